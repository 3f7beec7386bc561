/** Configuration is read once at cold start and validated; a bad deploy fails with a clear message. */
import { z } from 'zod';

export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}. Set these environment variables (the CDK construct does).`);
  }
  return result.data;
}

export const tableConfig = { TABLE_NAME: z.string().min(1) };
export const pepperConfig = { PEPPER_SECRET_ID: z.string().min(1) };
export const authorizerCacheConfig = { REST_API_ID: z.string().min(1) };
