/** Time comes from a clock so tests and the operator CLI can set it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
