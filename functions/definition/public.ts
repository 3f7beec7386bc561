/**
 * `api-key-platform/definition`: how a team declares its API. No CDK and no AWS SDK in here, so
 * backends and local runs can import it cheaply.
 */

export { API_KEY_HEADER_MODES, type ApiKeyHeaderMode } from './api';
export {
  type ApiDefinition,
  ApiDefinitionError,
  type ApiDefinitionInput,
  type Backend,
  type CompiledApi,
  compileApi,
  defineApi,
  type EventInput,
  type JsonSchema,
  type PlanInput,
  type RouteInput,
  type RouteRequestInput,
  type RouteResponseInput,
} from './api-definition';
