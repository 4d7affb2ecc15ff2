/**
 * The before-send decision: the synchronous path beside the queue. The platform is holding the
 * sender's message until it gets an answer, so every `beforeSend` handler of every bot runs within one
 * budget (`beforeSend.budgetMs`), one after another in bot order so rewrites chain; the first reject
 * ends the chain. A handler that runs past the budget is abandoned (its `ctx.signal` aborts) and the
 * policy (`failOpen` / `failClosed`) speaks for it and for everyone after it; so does a handler that throws.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { conversationKey, type Adapter, type InboundEvent, type PlatformName, type PreSendRequest, type PreSendVerdict } from '../../adapters/adapter.ts';
import { DecisionContext } from '../../context/decision.ts';
import type { LoadedBot } from '../loaded-bot.ts';
import { errorMessage, runHandler } from '../run-handler.ts';
import type { BeforeSendOutcome, BeforeSendPolicy, BeforeSendRun } from './types.ts';
import { applyRewrite, finalVerdict, mergeRewrites, type Tally } from './verdict.ts';

export interface BeforeSendDeps {
  bots(): Iterable<LoadedBot>;
  adapterFor(platform: PlatformName): Adapter | undefined;
  budgetMs: number;
  policy: BeforeSendPolicy;
  log: Logger;
  /** Told of every decision (the runtime's `decided` event). */
  onDecided?(outcome: BeforeSendOutcome): void;
  /** Handed the `message.rejected` event of every rejection (the runtime ingests it for `bot.on`). */
  onRejected?(event: InboundEvent): void;
}

export interface BeforeSend {
  /** Decides on one message; never throws (a failure inside is the policy's to answer). */
  decide(request: PreSendRequest): Promise<PreSendVerdict>;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export function createBeforeSend(deps: BeforeSendDeps): BeforeSend {
  const { budgetMs, policy, log } = deps;

  /** The bots whose handlers run for this sender: none for the runtime's own messages; for other bots' only on opt-in. */
  function participants(request: PreSendRequest): { bots: LoadedBot[]; skipped?: BeforeSendOutcome['skipped'] } {
    const me = deps.adapterFor(request.platform)?.botUser;
    if (me && request.sender.id === me.id) return { bots: [], skipped: 'own-message' };
    const all = [...deps.bots()].filter((b) => b.registration.beforeSend.length > 0);
    if (!all.length) return { bots: [], skipped: 'no-handlers' };
    if (!request.sender.isBot) return { bots: all };
    const willing = all.filter((b) => b.registration.options.acceptBotMessages === true);
    return willing.length ? { bots: willing } : { bots: [], skipped: 'bot-message' };
  }

  async function runChain(request: PreSendRequest, bots: LoadedBot[], deadline: number, runs: BeforeSendRun[]): Promise<Tally> {
    const tally: Tally = { rejections: [], changes: {} };
    const capabilities = deps.adapterFor(request.platform)?.capabilities ?? new Set();
    let message = request.message;
    for (const bot of bots) {
      for (const entry of bot.registration.beforeSend) {
        const remaining = deadline - performance.now();
        if (remaining <= 0 || tally.policyCause === 'budget' || tally.rejections.length) {
          if (!tally.rejections.length) runs.push({ bot: bot.name, handler: entry.label, ms: 0, result: 'skipped' });
          continue;
        }
        const handlerLog = bot.log.child({ handler: entry.label, conversation: conversationKey(request.conversation) });
        let ctx: DecisionContext | undefined;
        const outcome = await runHandler({
          bot: bot.name,
          label: entry.label,
          timeoutMs: Math.max(1, Math.floor(remaining)),
          invoke: (signal) => {
            ctx = new DecisionContext({ request, message, bot: bot.name, signal, store: bot.store, log: handlerLog, config: bot.config, capabilities });
            return entry.handler(ctx);
          },
        });
        const run: BeforeSendRun = { bot: bot.name, handler: entry.label, ms: outcome.ms, result: 'allow' };
        runs.push(run);
        if (outcome.timedOut) {
          run.result = 'timeout';
          tally.policyCause = 'budget';
          handlerLog.warn({ budgetMs, policy }, `beforeSend ${bot.name}/${entry.label} ran past the ${budgetMs} ms budget; policy ${policy} decides`);
          continue;
        }
        if (outcome.error !== undefined) {
          run.result = 'error';
          run.detail = errorMessage(outcome.error);
          tally.policyCause ??= 'error';
          handlerLog.error({ err: outcome.error, policy }, `beforeSend ${bot.name}/${entry.label} threw; policy ${policy} decides for it`);
          if (policy === 'failClosed') return tally;
          continue;
        }
        const decision = ctx?.decision;
        if (decision?.kind === 'reject') {
          run.result = 'reject';
          run.detail = decision.reason;
          tally.rejections.push({ by: bot.name, reason: decision.reason, notice: decision.notice, ...(decision.data ? { data: decision.data } : {}) });
        } else if (decision?.kind === 'rewrite') {
          run.result = 'rewrite';
          tally.changes = mergeRewrites(tally.changes, decision.changes);
          message = applyRewrite(message, decision.changes);
        }
      }
    }
    return tally;
  }

  function rejectedEvent(request: PreSendRequest, outcome: BeforeSendOutcome, verdict: Extract<PreSendVerdict, { action: 'reject' }>): InboundEvent {
    return {
      id: `${request.platform}:message.rejected:${outcome.id}`,
      type: 'message.rejected',
      platform: request.platform,
      conversation: request.conversation,
      sender: request.sender,
      message: request.message,
      rejection: verdict.rejections[0]!,
      occurredAt: outcome.at,
      raw: request.raw,
      ...(request.deliveryId ? { deliveryId: request.deliveryId } : {}),
    };
  }

  return {
    async decide(request) {
      const started = performance.now();
      const runs: BeforeSendRun[] = [];
      let verdict: PreSendVerdict = { action: 'allow' };
      let policyApplied: BeforeSendOutcome['policyApplied'];
      const { bots, skipped } = participants(request);
      try {
        const tally = await runChain(request, bots, started + budgetMs, runs);
        verdict = finalVerdict(tally, policy, budgetMs);
        if (tally.policyCause && !tally.rejections.length) policyApplied = { policy, because: tally.policyCause };
      } catch (err) {
        // Only a bug in the chain itself lands here; handlers' own failures are caught by runHandler.
        log.error({ err }, `beforeSend decision failed; policy ${policy} decides`);
        verdict = finalVerdict({ rejections: [], changes: {}, policyCause: 'error' }, policy, budgetMs);
        policyApplied = { policy, because: 'error' };
      }
      const outcome: BeforeSendOutcome = {
        id: request.deliveryId ?? randomUUID(),
        platform: request.platform,
        conversation: request.conversation,
        sender: request.sender,
        ...(request.message.id ? { messageId: request.message.id } : {}),
        text: request.message.text,
        verdict,
        runs,
        ms: round(performance.now() - started),
        budgetMs,
        ...(policyApplied ? { policyApplied } : {}),
        ...(skipped ? { skipped } : {}),
        at: new Date().toISOString(),
      };
      if (verdict.action === 'reject') {
        log.info({ conversation: conversationKey(request.conversation), sender: request.sender.id, by: verdict.rejections.map((r) => r.by), ms: outcome.ms }, 'beforeSend rejected a message');
        try {
          deps.onRejected?.(rejectedEvent(request, outcome, verdict));
        } catch (err) {
          log.error({ err }, 'could not hand on the message.rejected event');
        }
      }
      deps.onDecided?.(outcome);
      return verdict;
    },
  };
}
