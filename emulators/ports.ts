import { createServer } from 'node:net';

/** Asks the OS for a free loopback port. */
export const findFreePort = (host = '127.0.0.1'): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not determine a free port'));
      });
    });
  });

/** Thrown when a configured port is taken, naming it so the user knows which setting to change. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly setting: string,
  ) {
    super(`Port ${port} (${setting}) is already in use. Free it or set ${setting} to another port.`);
  }
}

/** Resolves when nothing listens on host:port; rejects with PortInUseError otherwise. */
export const assertPortFree = (port: number, setting: string, host = '127.0.0.1'): Promise<void> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, setting) : error),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
