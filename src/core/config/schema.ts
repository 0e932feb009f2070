import { z } from 'zod';

/** A secret is never written in the file: it names the environment variable that holds it. */
export const secretRef = z
  .object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') })
  .strict();
export type SecretRef = z.infer<typeof secretRef>;

/** A URL may be written inline only when it carries no password; otherwise it is a secretRef. */
const urlOrRef = z.union([z.string().min(1), secretRef]);

export const environmentSchema = z
  .object({
    production: z.boolean().default(false),
    databaseUrl: urlOrRef.optional(),
    /** a streaming replica for read-only work (trace, status commands, read-only checks) */
    readDatabaseUrl: urlOrRef.optional(),
    /** past this replay lag, reads go to the primary */
    maxReplicaLagMs: z.number().int().nonnegative().optional(),
    redisUrl: urlOrRef.optional(),
    prometheusUrl: z.string().url().optional(),
    apiBaseUrl: z.string().url().optional(),
    /**
     * where `dlq replay` posts a dead letter; ":type" is the webhook type
     * (default {apiBaseUrl}/webhooks/replay/:type)
     */
    dlqReplayUrl: z.string().url().optional(),
    /** the replay endpoint's credential, by environment-variable reference (read only by `dlq replay --execute`) */
    dlqReplayToken: secretRef.optional(),
    /** the header it is sent in: `authorization` (default) as "Bearer <token>", any other header as the bare token */
    dlqReplayTokenHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .optional(),
    trigger: z
      .object({ url: z.string().url().default('https://api.trigger.dev'), secretKey: secretRef.optional() })
      .strict()
      .optional(),
    kubernetes: z
      .object({
        context: z.string().optional(),
        namespace: z.string().default('default'),
        /** the Service whose pods serve the API (for per-pod admin endpoints) */
        apiService: z.string().default('medicalcor-api'),
        apiPort: z.number().int().positive().default(3000),
        /**
         * how `breaker --pods` reaches each pod: through the API server's pods proxy (from outside
         * the cluster) or by pod IP
         */
        podAccess: z.enum(['proxy', 'direct']).default('proxy'),
        /** the API's admin credential for /health/circuit-breakers, by environment-variable reference */
        adminToken: secretRef.optional(),
        /** the header it is sent in (the API server's proxy strips Authorization, so not that one) */
        adminTokenHeader: z
          .string()
          .regex(/^[A-Za-z0-9-]+$/)
          .default('x-admin-token'),
      })
      .strict()
      .optional(),
    /** CORS origins the API allows; checked by `check` (a wildcard is reported) */
    corsOrigins: z.array(z.string()).optional(),
  })
  .strict();
export type EnvironmentFile = z.infer<typeof environmentSchema>;

export const configFileSchema = z
  .object({
    defaultEnv: z.string().optional(),
    migrationsDir: z.string().optional(),
    runbooksDir: z.string().optional(),
    slaCatalog: z.string().optional(),
    environments: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'environment names are letters, digits, - and _'),
        environmentSchema,
      )
      .default({}),
  })
  .strict();
export type ConfigFile = z.infer<typeof configFileSchema>;
