import type { components } from '../../../../sdk/src/schema';

export type Notification = components['schemas']['Notification'];
