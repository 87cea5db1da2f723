/**
 * ISO-8601 text of epoch-ms times that come in runs of the same millisecond (a burst of
 * events, the intents of one decision): the text of the last time asked for is kept, so
 * a run builds it once. One cache per kind of time: interleaving two clocks (wall time
 * and a replay's frame time) in one cache would rebuild it on every call.
 */
export class IsoTimeCache {
  #ms = Number.NaN;
  #iso = '';

  of(ms: number): string {
    if (ms !== this.#ms) {
      this.#iso = new Date(ms).toISOString();
      this.#ms = ms;
    }
    return this.#iso;
  }
}
