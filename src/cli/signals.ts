/** Waiting for SIGINT or SIGTERM, the way every long-running command stops. */

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface StopSignal {
  /** resolves with the signal's name at the first SIGINT or SIGTERM */
  readonly received: Promise<string>;
  /** removes the handlers (a later signal gets Node's default behaviour again) */
  release(): void;
}

export function nextStopSignal(): StopSignal {
  let handler: (signal: string) => void = () => undefined;
  const received = new Promise<string>((resolve) => {
    handler = (signal) => resolve(signal);
  });
  for (const name of STOP_SIGNALS) process.on(name, handler);
  return {
    received,
    release: () => {
      for (const name of STOP_SIGNALS) process.off(name, handler);
    },
  };
}
