import { ConfigError } from '../errors.ts';

// Where Switchboard's Redis is, as one string: the form travels unchanged from REDIS_URL (or
// the embedded services' state) to every place that connects, so that a cluster needs no
// second variable that some caller could forget to pass along.
//
//   redis://[user:password@]host[:port][/db]     one server (ioredis reads it as is)
//   rediss://...                                  the same over TLS
//   redis-cluster://[user:password@]host[:port][,host[:port]...]
//   rediss-cluster://...                          a Redis Cluster over TLS
//
// A cluster URL lists seed nodes: any one that answers tells the client the whole topology,
// so several seeds only matter for starting while some nodes are down.

/** A Redis Cluster as a client needs it: its seed nodes and credentials. */
export interface RedisClusterTarget {
  seeds: { host: string; port: number }[];
  username?: string;
  password?: string;
  tls: boolean;
}

const singleSchemes = ['redis:', 'rediss:'];
const clusterSchemes = ['redis-cluster:', 'rediss-cluster:'];

/** True for the `redis-cluster://` and `rediss-cluster://` forms. */
export function isClusterUrl(value: string): boolean {
  return clusterSchemes.some((scheme) => value.toLowerCase().startsWith(`${scheme}//`));
}

/**
 * Checks a Redis URL of any accepted form; throws a ConfigError whose message starts with
 * `name` (the variable it came from).
 */
export function checkRedisUrl(value: string, name: string): void {
  if (isClusterUrl(value)) {
    parseClusterUrl(value, name);
    return;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${value}"`);
  }
  if (!singleSchemes.includes(url.protocol)) {
    throw new ConfigError(
      `${name} must start with redis:// or rediss:// (one server) or redis-cluster:// or rediss-cluster:// (a Redis Cluster), got "${url.protocol}//"`,
    );
  }
}

/** The seeds and credentials of a `redis-cluster://` or `rediss-cluster://` URL. */
export function parseClusterUrl(value: string, name = 'the Redis URL'): RedisClusterTarget {
  const bad = (why: string) => new ConfigError(`${name} ${why}, got "${value}"`);
  const match = /^(rediss?)-cluster:\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?([?#].*)?$/i.exec(value);
  if (!match) throw bad('is not a redis-cluster://host:port,host:port URL');
  const [, scheme, userinfo, hostList, path, rest] = match;
  // A cluster has only database 0 (SELECT is refused), and ioredis's URL options do not
  // apply to the cluster client: refusing them beats ignoring them silently.
  if (path && path !== '/' && path !== '/0') throw bad('names a database, but a Redis Cluster has only database 0');
  if (rest) throw bad('takes no ?options or #fragment in the cluster form');
  const seeds = hostList!.split(',').map((part) => {
    let url: URL;
    try {
      url = new URL(`redis://${part.trim()}`);
    } catch {
      throw bad(`has a seed that is not host[:port]: "${part}"`);
    }
    if (!url.hostname || url.username || url.pathname) throw bad(`has a seed that is not host[:port]: "${part}"`);
    // URL keeps IPv6 literals bracketed; sockets want them bare.
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : 6379 };
  });
  let username: string | undefined;
  let password: string | undefined;
  if (userinfo) {
    const colon = userinfo.indexOf(':');
    try {
      username = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon)) || undefined;
      password = colon < 0 ? undefined : decodeURIComponent(userinfo.slice(colon + 1)) || undefined;
    } catch {
      throw bad('has a user or password that is not URL-encoded');
    }
  }
  return { seeds, username, password, tls: scheme!.toLowerCase() === 'rediss' };
}
