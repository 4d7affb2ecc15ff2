/**
 * The ACS emulator in its own process, with N threads in which the bot and one user are members.
 * `post` makes the user write in `count` random threads and answers with the wall time it did so.
 */
import { startAcsEmulator } from '../../src/emulator/acs/index.ts';
import { serveIpc } from '../lib/proc.ts';
import { wallMs } from '../lib/stats.ts';

const acs = await startAcsEmulator({});
const bot = acs.admin.createUser('Botyard');
const kim = acs.admin.createUser('Kim');
let threads: string[] = [];
let n = 0;

serveIpc({
  setup({ count }: { count: number }) {
    for (let i = threads.length; i < count; i++) threads.push(acs.admin.createThread(kim.id, { topic: `bench ${i}`, participants: [{ id: bot.id, displayName: 'Botyard' }, { id: kim.id, displayName: 'Kim' }] }));
    return { threads: threads.length };
  },
  use({ count }: { count: number }) {
    threads = threads.slice(0, count);
    return { threads: threads.length };
  },
  post({ count }: { count: number }) {
    const at = wallMs();
    const picked = new Set<string>();
    while (picked.size < Math.min(count, threads.length)) picked.add(threads[Math.floor(Math.random() * threads.length)]!);
    for (const t of picked) acs.admin.sendMessage(t, kim.id, `hello ${++n}`);
    return { at, threads: [...picked] };
  },
  counters: () => acs.counters(),
});
process.send!({ type: 'ready', connectionString: acs.connectionString, caPath: acs.caPath, botId: bot.id });
