import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Metrics of the `/visitor` namespace, registered in the collector's registry (or a private one
 * when none is given, e.g. in tests that read them back).
 */
export function createVisitorSocketMetrics(registry: Registry) {
  const registers = [registry];
  return {
    connected: new Gauge({
      name: 'fw_collector_visitor_sockets',
      help: 'Visitor sockets (tabs) connected to this collector node.',
      registers,
    }),
    connections: new Counter({
      name: 'fw_collector_visitor_socket_connections_total',
      help: 'Visitor socket connection attempts by result (ok or the refusal code).',
      labelNames: ['result'] as const,
      registers,
    }),
    errors: new Counter({
      name: 'fw_collector_visitor_socket_errors_total',
      help: 'Messages rejected on the visitor socket, by code.',
      labelNames: ['code'] as const,
      registers,
    }),
    signals: new Counter({
      name: 'fw_collector_visitor_signals_total',
      help: 'Signals appended to the signals stream, by type.',
      labelNames: ['type'] as const,
      registers,
    }),
    signalsFailed: new Counter({
      name: 'fw_collector_visitor_signals_failed_total',
      help: 'Signals lost because Redis refused or timed out the append, by type.',
      labelNames: ['type'] as const,
      registers,
    }),
  };
}
export type VisitorSocketMetrics = ReturnType<typeof createVisitorSocketMetrics>;
