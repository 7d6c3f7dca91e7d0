// Writes FILE to stdout in 64 KiB chunks spread evenly over SECONDS: a stand-in
// for a slow dump writer such as iptables-nft-save (20+ s for 115k rules).
import fs from 'node:fs';

const [file, seconds] = [process.argv[2], Number(process.argv[3])];
const data = fs.readFileSync(file);
const CHUNK = 65536;
const chunks = Math.ceil(data.length / CHUNK);
const start = Date.now();
let sent = 0;

function writeDue() {
  while (sent < chunks && Date.now() - start >= (sent * seconds * 1000) / chunks) {
    const more = process.stdout.write(data.subarray(sent * CHUNK, (sent + 1) * CHUNK));
    sent++;
    if (!more) return void process.stdout.once('drain', writeDue);
  }
  if (sent < chunks) setTimeout(writeDue, 2);
  else process.stdout.end();
}
writeDue();
