export { startStreamEmulator, type StreamEmulator, type StreamEmulatorOptions } from './emulator.ts';
export type { StreamStateView } from './view.ts';
export type { StreamEvent } from './store.ts';
export type { DeliveryRecord, DeliveryAttempt, WebhookOptions } from './webhooks.ts';
export { signBody } from './webhooks.ts';
export { Faults, RequestStats, type FailSpec, type RateSpec, type EndpointCount } from './faults.ts';
export { signJwt, verifyJwt } from './auth.ts';
export type { PreSendCall } from './before-send.ts';
export type { StreamAiView, AiIndicatorRecord, MessageRevision } from './ai-records.ts';
