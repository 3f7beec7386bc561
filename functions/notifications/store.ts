import { DynamoNotificationStore } from '../adapters/dynamo-notification-store';
import { dynamoDb } from '../runtime/clients';
import { loadConfig, tableConfig } from '../runtime/config';
import { cursorCodec } from '../runtime/cursors';

export const notificationStore = new DynamoNotificationStore(dynamoDb, loadConfig(tableConfig).TABLE_NAME, cursorCodec);
