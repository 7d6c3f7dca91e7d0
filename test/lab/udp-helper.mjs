// UDP server and client for the lab's probes. busybox has no UDP server or
// client, so these run under `nsenter --net=…` in the container's (or the
// external host's) namespace; the kernel sees the same packets either way.
//
//   udp-helper.mjs server PORT NAME            answers each datagram with "NAME SOURCE-ADDRESS"
//   udp-helper.mjs client ADDRESS PORT MS      prints the answer; exit 1 on timeout, 2 on error
import dgram from 'node:dgram';

const [mode, ...args] = process.argv.slice(2);

if (mode === 'server') {
  const port = Number(args[0]);
  const name = args[1] ?? '?';
  const serve = (type) => {
    const socket = dgram.createSocket({ type, ipv6Only: false });
    socket.on('message', (_message, remote) => {
      socket.send(`${name} ${remote.address}\n`, remote.port, remote.address);
    });
    return socket;
  };
  // Dual-stack when the namespace has IPv6, plain IPv4 otherwise.
  const socket6 = serve('udp6');
  socket6.once('error', () => {
    socket6.close();
    const socket4 = serve('udp4');
    socket4.once('error', (error) => {
      console.error(`udp server: ${error.message}`);
      process.exit(2);
    });
    socket4.bind(port, '0.0.0.0', () => console.log('ready'));
  });
  socket6.bind(port, '::', () => console.log('ready'));
} else if (mode === 'client') {
  const [address, portText, msText] = args;
  const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  const timer = setTimeout(() => {
    console.error('timeout');
    process.exit(1);
  }, Number(msText ?? 1000));
  socket.on('error', (error) => {
    clearTimeout(timer);
    console.error(error.code ?? error.message);
    process.exit(2);
  });
  socket.on('message', (message) => {
    process.stdout.write(message);
    process.exit(0);
  });
  socket.connect(Number(portText), address, () => socket.send('probe\n'));
} else {
  console.error('usage: udp-helper.mjs server PORT NAME | client ADDRESS PORT MS');
  process.exit(64);
}
