/**
 * Fakes only the clock (`Date`), so tests can pin "now" with `jest.setSystemTime` while sockets,
 * timers and the emulators keep running in real time.
 */
export function useFakeDate(): void {
  jest.useFakeTimers({
    doNotFake: [
      'nextTick',
      'setImmediate',
      'setTimeout',
      'setInterval',
      'clearTimeout',
      'clearInterval',
      'queueMicrotask',
      'performance',
      'hrtime',
    ],
  });
}
