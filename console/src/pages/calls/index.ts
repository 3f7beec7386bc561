export { CallLogPage } from './CallLogPage';
