/**
 * Group commit: calls made while a commit is in flight wait for the next one, which carries them all in
 * one round trip. Under load a commit carries every call of the last ~millisecond; an idle caller adds
 * no delay (a lone call commits on the next turn of the event loop). The Redis queue's accepts and acks
 * both go through one of these, so their cost per event is a share of one script call.
 */

/** Commits `batch` and answers each item in order: a value, or an Error for that item alone. */
export type Commit<In, Out> = (batch: In[]) => Promise<Array<Out | Error>>;

export interface GroupCommit<In, Out> {
  /** Resolves with this item's answer once the commit that carried it is done. */
  submit(item: In): Promise<Out>;
}

export function groupCommit<In, Out>(commit: Commit<In, Out>, maxBatch = 500): GroupCommit<In, Out> {
  const waiting: Array<{ item: In; resolve(out: Out): void; reject(error: unknown): void }> = [];
  let committing = false;

  function next(): void {
    if (committing || !waiting.length) return;
    committing = true;
    // setImmediate, not a microtask: calls made in the same I/O phase join this commit.
    setImmediate(() => {
      const batch = waiting.splice(0, maxBatch);
      commit(batch.map((w) => w.item))
        .then((answers) => batch.forEach((w, i) => {
          const answer = answers[i];
          if (answer instanceof Error) w.reject(answer);
          else if (i >= answers.length) w.reject(new Error('the commit gave no answer for this item'));
          else w.resolve(answer as Out);
        }))
        .catch((error) => batch.forEach((w) => w.reject(error)))
        .finally(() => {
          committing = false;
          next();
        });
    });
  }

  return {
    submit: (item) => new Promise<Out>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      next();
    }),
  };
}
