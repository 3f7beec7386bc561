/**
 * Jest setup file: every test file runs with Leadbase's definition active, as `npm start` does,
 * so code that reads activeApi() needs no API_DEFINITION_FILE. A test that needs another API calls
 * useApi itself (and restores Leadbase's afterwards) or passes a LoadedApi explicitly.
 */
import { leadbaseApi } from '../../examples/leadbase/api';
import { useApi } from '../../functions/definition/active-api';

useApi(leadbaseApi.compiled);
