export { createStreamAdapter, type StreamAdapter, type StreamAdapterOptions } from './adapter.ts';
export { createStreamClient, splitCid, type StreamClientOptions } from './client.ts';
export { createStreamOps, streamOpsFromEnv, USERS_PER_CALL, type StreamOps, type StreamUserInput, type UpsertResult, type UpsertProgress, type ChannelInput, type ChannelChanges, type StreamHooks } from './ops.ts';
export { toPlatformError, isDuplicateMessageError, retryAfterMsFrom } from './errors.ts';
export { verifySignature, signatureOf } from './signature.ts';
export { normalize, eventId, toMessage, toAttachment, fromAttachment } from './normalize.ts';
export { createOperatorOps, type OperatorOps, type ChannelSummary, type ChannelDetail, type UserSummary, type Standing } from './operator-ops.ts';
export { describeStreamAuthFailure } from './verify.ts';
