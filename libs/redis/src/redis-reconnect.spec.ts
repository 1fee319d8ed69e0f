import { EventEmitter } from 'node:events';
import { onReconnect } from './redis-reconnect';

describe('onReconnect', () => {
  it('calls back when the connection is ready after a loss, not on the first connection', () => {
    const client = new EventEmitter();
    let calls = 0;
    onReconnect(client, () => calls++);
    client.emit('ready');
    expect(calls).toBe(0);
    client.emit('close');
    client.emit('close');
    client.emit('ready');
    client.emit('ready');
    expect(calls).toBe(1);
    client.emit('close');
    client.emit('ready');
    expect(calls).toBe(2);
  });
});
