export { type OpenApiDocument, type OpenApiOptions, openApiDocument } from './document';
export { operationIdOf } from './naming';
