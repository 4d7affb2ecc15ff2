/**
 * A reply-cost probe (not part of `npm run bench`): botyard start and the direct baseline against the
 * latency sender at one rate, alternating for a few rounds; prints CPU per event, idle CPU per second
 * and wakeups per second of each, and the botyard/direct ratio per round (taken minutes apart from the
 * other figures, the ratio is what survives a shared machine). With --prof both run under
 * `node --cpu-prof` and leave their .cpuprofile files in --dir.
 *
 *   npx tsx bench/latency/profile.ts [--rate 100] [--seconds 5] [--rounds 3] [--prof] [--dir /tmp/reply-prof] [--only botyard|direct]
 */
import { readFileSync } from 'node:fs';
import { startBotyard } from '../lib/botyard.ts';
import { startNode, type Child } from '../lib/proc.ts';
import { round, sleep } from '../lib/stats.ts';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]! : fallback;
};
const rate = Number(arg('rate', '100'));
const seconds = Number(arg('seconds', '5'));
const rounds = Number(arg('rounds', '3'));
const only = arg('only', '');
const nodeArgs = process.argv.includes('--prof') ? ['--cpu-prof', '--cpu-prof-dir', arg('dir', '/tmp/reply-prof')] : [];

/** Voluntary context switches of the main thread: how often the process went to sleep and woke. */
const wakeups = (pid: number) => Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

const sender = startNode('bench/latency/sender.ts', { cpu: 1 });
const { env } = await sender.waitFor<{ env: Record<string, string> }>('ready');
async function start(name: string): Promise<{ child: Child; url: string }> {
  if (name === 'botyard') {
    const b = await startBotyard(env, 0, { config: 'bench/latency/bot.config.ts', nodeArgs });
    return { child: b.child, url: `${b.url}/webhooks/stream` };
  }
  const child = startNode('bench/latency/direct-server.ts', { cpu: 0, env, nodeArgs });
  const { port } = await child.waitFor<{ port: number }>('ready');
  return { child, url: `http://127.0.0.1:${port}/webhooks/stream` };
}
const receivers: Array<[string, { child: Child; url: string }]> = [];
for (const name of only ? [only] : ['botyard', 'direct']) receivers.push([name, await start(name)]);
try {
  await sender.request('prepare', { count: 400 * receivers.length + rate * seconds * receivers.length * rounds });
  for (const [, r] of receivers) await sender.request('run', { url: r.url, rate: 200, durationS: 2 });
  for (let n = 1; n <= rounds; n++) {
    const perEvent: Record<string, number> = {};
    for (const [name, r] of receivers) {
      await sleep(500);
      const [i0, w0] = [r.child.cpuMs(), wakeups(r.child.pid)];
      await sleep(2000);
      const [idle, idleWakeups] = [(r.child.cpuMs() - i0) / 2, (wakeups(r.child.pid) - w0) / 2];
      const c0 = r.child.cpuMs();
      const s = await sender.request('run', { url: r.url, rate, durationS: seconds });
      perEvent[name] = ((r.child.cpuMs() - c0) * 1000) / s.sent;
      console.log(`round ${n} ${name} @ ${rate}/s: ${round(perEvent[name]!)} µs CPU/event; idle ${round(idle, 1)} ms CPU/s, ${idleWakeups} wakeups/s; p50 ${round(s.p50, 2)} p99 ${round(s.p99, 2)} ms; ${s.replies}/${s.sent}`);
    }
    if (perEvent.botyard && perEvent.direct) console.log(`round ${n} ratio botyard/direct ${round(perEvent.botyard / perEvent.direct, 2)}`);
  }
} finally {
  // Not Child.stop(): its SIGKILL after 5 s would lose a profile, written at exit.
  await Promise.all(receivers.map(([, r]) => new Promise((resolve) => {
    r.child.proc.once('exit', resolve);
    r.child.proc.kill('SIGINT');
  })));
  await sender.stop();
}
