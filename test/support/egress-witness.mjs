// Preloaded (--import) into a process under the egress test: prints every TCP connection
// attempt and host name lookup to stderr, so one that fails at once (and never shows in
// /proc/net) is still seen. It only listens; it changes nothing.
import { subscribe } from 'node:diagnostics_channel';
import process from 'node:process';

subscribe('net.client.socket', ({ socket }) => {
  socket.on('connectionAttempt', (ip, port) =>
    process.stderr.write(`egress-witness connect ${ip} ${port}\n`),
  );
  socket.on('lookup', (_error, _address, _family, host) =>
    process.stderr.write(`egress-witness lookup ${host}\n`),
  );
});
