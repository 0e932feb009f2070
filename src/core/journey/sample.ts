import type { Pool } from '../db/index.js';
import { addDeadLetter, appendDomainEvent, logIntegrationCall, logLlmUsage, saveSagaState } from './writers.js';

/** The correlation ID of the sample journey `medicalcor demo` loads. */
export const SAMPLE_CORRELATION_ID = 'demo-journey-0001';

/**
 * Loads a small lead-onboarding journey that fails at the HubSpot sync, written with the same
 * writers the services use, in one transaction (the writers mask patient data in error texts at
 * write; see docs/trace.md). Does nothing if it is already there.
 */
export async function loadSampleJourney(
  pool: Pool,
  start: Date,
  correlationId = SAMPLE_CORRELATION_ID,
): Promise<{ loaded: boolean }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT 1 FROM domain_events WHERE correlation_id = $1 LIMIT 1', [
      correlationId,
    ]);
    if (rows.length) {
      await client.query('ROLLBACK');
      return { loaded: false };
    }
    const at = (ms: number) => new Date(start.getTime() + ms);
    const lead = `lead-${correlationId}`;
    await appendDomainEvent(client, {
      aggregateId: lead,
      aggregateType: 'Lead',
      eventType: 'LeadCreated',
      correlationId,
      occurredAt: at(0),
      payload: {
        name: 'Elena Marinescu',
        phone: '+40721000111',
        email: 'elena.marinescu@example.com',
        channel: 'whatsapp',
        treatment: 'implant',
      },
    });
    const saga = await saveSagaState(client, {
      sagaType: 'lead-onboarding',
      correlationId,
      status: 'running',
      currentStep: 'score',
      at: at(400),
      step: { step: 'score', status: 'started' },
    });
    await logLlmUsage(client, {
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'score_lead',
      correlationId,
      inputTokens: 1450,
      outputTokens: 96,
      costUsd: 0.0046,
      latencyMs: 1_350,
      occurredAt: at(500),
    });
    await appendDomainEvent(client, {
      aggregateId: lead,
      aggregateType: 'Lead',
      eventType: 'LeadScored',
      correlationId,
      occurredAt: at(1_900),
      payload: { score: 4, classification: 'HOT' },
    });
    await saveSagaState(client, {
      sagaId: saga.sagaId,
      sagaType: 'lead-onboarding',
      correlationId,
      status: 'running',
      currentStep: 'sync',
      at: at(2_000),
      step: { step: 'score', status: 'completed', durationMs: 1_500 },
    });
    await logIntegrationCall(client, {
      service: 'hubspot',
      direction: 'outbound',
      operation: 'upsertContact',
      correlationId,
      status: 'timeout',
      durationMs: 10_000,
      errorCode: 'ETIMEDOUT',
      errorMessage: 'no response from api.hubapi.com within 10 s',
      occurredAt: at(2_100),
    });
    await logIntegrationCall(client, {
      service: 'hubspot',
      direction: 'outbound',
      operation: 'upsertContact',
      correlationId,
      status: 'failure',
      httpStatus: 502,
      durationMs: 3_200,
      // written as a careless service would: the writer masks the name and the phone before storing
      errorCode: 'HUBSPOT_502',
      errorMessage: 'Bad gateway while updating the contact for Elena Marinescu (+40 721 000 111)',
      occurredAt: at(14_300),
    });
    await appendDomainEvent(client, {
      aggregateId: lead,
      aggregateType: 'Lead',
      eventType: 'LeadSyncFailed',
      correlationId,
      occurredAt: at(17_600),
      payload: { reason: 'HubSpot unavailable after 2 attempts', contact: { name: 'Elena Marinescu' } },
    });
    await addDeadLetter(client, {
      webhookType: 'hubspot',
      correlationId,
      payload: { phone: '+40721000111' },
      lastError: 'contact sync failed after 2 attempts',
      retryCount: 2,
      status: 'pending',
      createdAt: at(17_700),
    });
    await saveSagaState(client, {
      sagaId: saga.sagaId,
      sagaType: 'lead-onboarding',
      correlationId,
      status: 'failed',
      currentStep: 'sync',
      at: at(17_800),
      step: { step: 'sync', status: 'failed', error: 'HubSpot unavailable' },
      error: 'HubSpot unavailable',
    });
    await client.query('COMMIT');
    return { loaded: true };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
