import fs from 'node:fs';
import { Logger } from '@nestjs/common';
import { type CommonConfig, readPemFile } from '@ajx/config';
import { Kafka, logLevel, type KafkaConfig, type logCreator } from 'kafkajs';

const nestLogCreator: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ level, log }) => {
    const { message, ...extra } = log;
    const line = `${message} ${JSON.stringify(extra)}`;
    if (level === logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else if (level === logLevel.INFO) logger.log(line);
    else logger.debug(line);
  };
};

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** kafkajs log level; WARN by default (INFO is chatty on every rebalance). */
  level?: logLevel;
  sasl?: KafkaConfig['sasl'];
  ssl?: KafkaConfig['ssl'];
}

export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: options.level ?? logLevel.WARN,
    logCreator: nestLogCreator,
    sasl: options.sasl,
    ssl: options.ssl,
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 10000 },
  });
}

/** The SASL settings of AJX_KAFKA_SASL_MECHANISM / _USERNAME / _PASSWORD(_FILE), or undefined without a mechanism. */
export function kafkaSasl(config: CommonConfig): KafkaConfig['sasl'] {
  const mechanism = config.AJX_KAFKA_SASL_MECHANISM;
  if (!mechanism) return undefined;
  const username = config.AJX_KAFKA_USERNAME;
  const password = config.AJX_KAFKA_PASSWORD_FILE
    ? readPasswordFile(config.AJX_KAFKA_PASSWORD_FILE, username)
    : config.AJX_KAFKA_PASSWORD;
  return { mechanism, username, password } as KafkaConfig['sasl'];
}

/**
 * A password file is either one line (the password) or the JSON written by `ajx kafka provision`
 * (`{"users": {"<user>": "<password>"}}`), from which the user's entry is taken.
 */
export function readPasswordFile(file: string, username: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `AJX_KAFKA_PASSWORD_FILE ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as { users?: Record<string, string> };
    const password = parsed.users?.[username];
    if (!password) throw new Error(`AJX_KAFKA_PASSWORD_FILE ${file} has no password for user ${username}`);
    return password;
  }
  const line = trimmed.split('\n')[0]?.trim() ?? '';
  if (!line) throw new Error(`AJX_KAFKA_PASSWORD_FILE ${file} is empty`);
  return line;
}

/**
 * The TLS settings of AJX_KAFKA_SSL and its files (kafkajs hands them to `tls.connect`: the broker's chain and host
 * name are verified), or undefined for a plain connection. Certificate and key together make it mutual TLS.
 */
export function kafkaSsl(config: CommonConfig): KafkaConfig['ssl'] {
  const files = config.AJX_KAFKA_SSL_CA_FILE || config.AJX_KAFKA_SSL_CERT_FILE;
  if (config.AJX_KAFKA_SSL !== 'true') {
    if (files) throw new Error('AJX_KAFKA_SSL_* files are set but AJX_KAFKA_SSL is not true (TLS would not be used)');
    return undefined;
  }
  const ssl: { rejectUnauthorized: true; ca?: string[]; cert?: string; key?: string } = { rejectUnauthorized: true };
  if (config.AJX_KAFKA_SSL_CA_FILE) ssl.ca = [readPemFile('AJX_KAFKA_SSL_CA_FILE', config.AJX_KAFKA_SSL_CA_FILE)];
  if (config.AJX_KAFKA_SSL_CERT_FILE) {
    ssl.cert = readPemFile('AJX_KAFKA_SSL_CERT_FILE', config.AJX_KAFKA_SSL_CERT_FILE);
    ssl.key = readPemFile('AJX_KAFKA_SSL_KEY_FILE', config.AJX_KAFKA_SSL_KEY_FILE);
  }
  return ssl;
}

/** The process's Kafka client from its validated config (brokers and, when configured, SASL and TLS). */
export function createKafkaFromConfig(config: CommonConfig, clientId: string): Kafka {
  return createKafka({ brokers: config.AJX_KAFKA_BROKERS, clientId, sasl: kafkaSasl(config), ssl: kafkaSsl(config) });
}
