/**
 * The Azure SDK classes the ACS adapter uses, loaded as CommonJS (each package ships both builds).
 * Importing them loads the ESM builds: ~580 ms of CPU and ~32 MB for @azure/communication-chat with its
 * core packages on Node 20, against ~260 ms and ~18 MB required (measured for issue #10's start time and
 * idle memory). Every use in the adapter goes through here, so the process holds one copy of each
 * package (a credential built from one copy is handed to a client from the same copy).
 */
import { createRequire } from 'node:module';
import type * as Chat from '@azure/communication-chat';
import type * as Common from '@azure/communication-common';
import type * as Identity from '@azure/communication-identity';

const require = createRequire(import.meta.url);

export const { ChatClient } = require('@azure/communication-chat') as typeof Chat;
export type ChatClient = Chat.ChatClient;
export const { AzureCommunicationTokenCredential } = require('@azure/communication-common') as typeof Common;
export type AzureCommunicationTokenCredential = Common.AzureCommunicationTokenCredential;
export const { CommunicationIdentityClient } = require('@azure/communication-identity') as typeof Identity;
export type CommunicationIdentityClient = Identity.CommunicationIdentityClient;
