import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per instance. Events are never logged whole: they carry API keys. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'api-key-platform' });
