/** The Keys pages: the list (#/keys), create (#/keys/new) and one key (#/keys/<id>). */
export { KeyDetailPage } from './KeyDetailPage';
export { KeysPage } from './KeysPage';
export { NewKeyPage } from './NewKeyPage';
