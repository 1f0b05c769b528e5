// bench/mail's threads tell the main thread what they did. A message per email or per job cost
// those threads CPU that production's processes do not spend, inside the measured run: they
// gather reports and send them every `everyMs` instead (the times inside are stamped when
// things happened, so the delay changes no figure).

/** Reports gathered and sent together: `add` each, `flush` before the thread says it is done. */
export function batchedReports<T>(send: (items: T[]) => void, everyMs = 50): { add(item: T): void; flush(): void } {
  const pending: T[] = [];
  const flush = () => {
    if (pending.length) send(pending.splice(0));
  };
  return {
    add(item) {
      if (pending.length === 0) setTimeout(flush, everyMs);
      pending.push(item);
    },
    flush,
  };
}
