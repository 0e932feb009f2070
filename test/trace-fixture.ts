import type { Queryable } from '../src/core/journey/index.js';
import {
  addDeadLetter,
  appendDomainEvent,
  logIntegrationCall,
  logLlmUsage,
  saveSagaState,
} from '../src/core/journey/index.js';
import type { FakeRun } from './fakes/trigger-dev.js';

/** Patient data planted in the journey: none of it may appear in masked output. */
export const PATIENT = {
  phone: '+40712345678',
  phoneDigits: '712345678',
  email: 'ion.popescu@example.com',
  name: 'Ion Popescu',
};

export interface WrittenJourney {
  correlationId: string;
  start: Date;
  /** item names in time order, as the trace must list them */
  expectedOrder: string[];
  /** the first failure's name and where its error comes from */
  firstFailureName: string;
  firstFailureError: string;
  triggerRuns: FakeRun[];
}

const at = (start: Date, ms: number) => new Date(start.getTime() + ms);

/**
 * A lead-onboarding journey written with the core writers the services use: the lead arrives on
 * WhatsApp, is scored, a Trigger.dev job syncs it to HubSpot and fails, the webhook is
 * dead-lettered and the saga fails. Trigger.dev runs are returned for the fake to serve.
 */
export async function writeFailedJourney(db: Queryable, correlationId: string, start: Date): Promise<WrittenJourney> {
  await appendDomainEvent(db, {
    aggregateId: `lead-${correlationId}`,
    aggregateType: 'Lead',
    eventType: 'LeadCreated',
    correlationId,
    occurredAt: at(start, 0),
    payload: {
      phone: PATIENT.phone,
      email: PATIENT.email,
      name: PATIENT.name,
      channel: 'whatsapp',
      message: `Hello, call me at ${PATIENT.phone}`,
    },
  });
  const saga = await saveSagaState(db, {
    sagaType: 'lead-onboarding',
    correlationId,
    status: 'running',
    currentStep: 'score',
    at: at(start, 1_000),
    step: { step: 'score', status: 'started' },
    state: { leadId: `lead-${correlationId}` },
  });
  await logLlmUsage(db, {
    provider: 'openai',
    model: 'gpt-4o',
    operation: 'score_lead',
    correlationId,
    inputTokens: 1200,
    outputTokens: 80,
    costUsd: 0.0042,
    latencyMs: 800,
    occurredAt: at(start, 2_000),
  });
  await appendDomainEvent(db, {
    aggregateId: `lead-${correlationId}`,
    aggregateType: 'Lead',
    eventType: 'LeadScored',
    correlationId,
    occurredAt: at(start, 2_900),
    payload: { score: 87, classification: 'HOT' },
  });
  await logIntegrationCall(db, {
    service: 'hubspot',
    direction: 'outbound',
    operation: 'createContact',
    correlationId,
    status: 'failure',
    httpStatus: 502,
    durationMs: 1_200,
    errorCode: 'HUBSPOT_502',
    errorMessage: 'Bad gateway from api.hubapi.com',
    occurredAt: at(start, 4_000),
  });
  await appendDomainEvent(db, {
    aggregateId: `lead-${correlationId}`,
    aggregateType: 'Lead',
    eventType: 'LeadSyncFailed',
    correlationId,
    occurredAt: at(start, 5_500),
    payload: { reason: `HubSpot rejected contact ${PATIENT.name}`, phone: PATIENT.phone },
  });
  await addDeadLetter(db, {
    webhookType: 'hubspot',
    correlationId,
    payload: { phone: PATIENT.phone, email: PATIENT.email },
    lastError: 'contact sync failed after 3 attempts',
    retryCount: 3,
    status: 'failed',
    createdAt: at(start, 6_000),
  });
  await saveSagaState(db, {
    sagaId: saga.sagaId,
    sagaType: 'lead-onboarding',
    correlationId,
    status: 'failed',
    currentStep: 'sync',
    at: at(start, 7_000),
    step: { step: 'sync', status: 'failed', error: 'HubSpot sync failed' },
    error: 'HubSpot sync failed',
  });

  const tag = `corr_${correlationId}`;
  const triggerRuns: FakeRun[] = [
    {
      id: `run_${correlationId}_a`,
      taskIdentifier: 'send-welcome',
      status: 'COMPLETED',
      tags: [tag],
      createdAt: at(start, 1_500),
      startedAt: at(start, 1_600),
      finishedAt: at(start, 1_900),
    },
    {
      id: `run_${correlationId}_b`,
      taskIdentifier: 'sync-hubspot',
      status: 'FAILED',
      tags: [tag, 'lead'],
      createdAt: at(start, 3_000),
      startedAt: at(start, 3_100),
      finishedAt: at(start, 4_500),
      error: { name: 'HubSpotError', message: `502 from HubSpot while creating ${PATIENT.email}` },
      attemptCount: 3,
    },
    {
      id: `run_${correlationId}_c`,
      taskIdentifier: 'notify-agent',
      status: 'COMPLETED',
      tags: [tag],
      createdAt: at(start, 6_500),
      startedAt: at(start, 6_600),
      finishedAt: at(start, 6_800),
    },
    {
      id: `run_${correlationId}_d`,
      taskIdentifier: 'retry-sync',
      status: 'CANCELED',
      tags: [tag],
      createdAt: at(start, 7_500),
      finishedAt: at(start, 7_600),
    },
    {
      id: `run_${correlationId}_e`,
      taskIdentifier: 'audit-journey',
      status: 'COMPLETED',
      tags: [tag],
      createdAt: at(start, 8_000),
      startedAt: at(start, 8_050),
      finishedAt: at(start, 8_300),
    },
  ];
  return {
    correlationId,
    start,
    expectedOrder: [
      'LeadCreated',
      'lead-onboarding started',
      'lead-onboarding step score',
      'task send-welcome',
      'openai gpt-4o score_lead',
      'LeadScored',
      'task sync-hubspot',
      'hubspot outbound createContact',
      'LeadSyncFailed',
      'hubspot webhook dead-lettered',
      'task notify-agent',
      'lead-onboarding step sync',
      'lead-onboarding failed',
      'task retry-sync',
      'task audit-journey',
    ],
    firstFailureName: 'task sync-hubspot',
    firstFailureError: 'HubSpotError: 502 from HubSpot while creating',
    triggerRuns,
  };
}
