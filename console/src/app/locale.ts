/** Kept apart from context.ts (which loads preact and, with it, the DOM types): Node-side unit tests import messages. */
export type Locale = 'en' | 'de';

export type Translate = (key: string, params?: Record<string, string | number>) => string;
