import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { type ManagedService, spawnService } from './process-service.ts';

export interface ClickHouseServerOptions {
  dataDir: string;
  httpPort?: number;
  /** Path of the server binary. Default `clickhouse-server` (Debian's package installs it in /usr/sbin). */
  binary?: string;
}

/**
 * Starts a private `clickhouse-server` (Debian's 18.16 here) with its own config, data and
 * logs under `dataDir`, listening on 127.0.0.1 only, on free ports.
 */
export async function startClickHouseServer(options: ClickHouseServerOptions): Promise<ManagedService> {
  const dir = options.dataDir;
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log'])
    mkdirSync(join(dir, sub), { recursive: true });
  const httpPort = options.httpPort ?? (await freePort());
  const tcpPort = await freePort();
  const interserverPort = await freePort();
  writeFileSync(
    join(dir, 'config.xml'),
    `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog><console>0</console></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <interserver_http_port>${interserverPort}</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>53687091</mark_cache_size>
  <uncompressed_cache_size>53687091</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <timezone>UTC</timezone>
</yandex>
`,
  );
  writeFileSync(
    join(dir, 'users.xml'),
    `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`,
  );
  const url = `http://127.0.0.1:${httpPort}`;
  const binary =
    options.binary ??
    (existsSync('/usr/sbin/clickhouse-server') ? '/usr/sbin/clickhouse-server' : 'clickhouse-server');
  return spawnService({
    name: 'clickhouse-server',
    command: binary,
    args: [`--config-file=${join(dir, 'config.xml')}`],
    port: httpPort,
    url,
    dataDir: dir,
    readyTimeoutMs: 60_000,
    ready: async () => {
      const res = await fetch(`${url}/?query=SELECT%201`, { signal: AbortSignal.timeout(1000) });
      return res.ok;
    },
  });
}
