// PostGraphile v5 declares Node >= 22 and uses Promise.withResolvers (Node 22); this project runs on
// Node 20. The benchmark's PostGraphile process alone gets this standard-conforming stand-in. It
// must be imported before PostGraphile.
type Resolvers<T> = { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void };

const promiseConstructor = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
promiseConstructor.withResolvers ??= <T>(): Resolvers<T> => {
  let resolve!: Resolvers<T>['resolve'];
  let reject!: Resolvers<T>['reject'];
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
