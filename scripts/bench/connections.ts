// New TCP connections opened by this process (undici and http.Agent both go through net).
import dc from 'node:diagnostics_channel';

let opened = 0;
dc.subscribe('net.client.socket', () => {
  opened += 1;
});

/** Client sockets this process has opened so far. */
export const connectionsOpened = (): number => opened;
