#!/usr/bin/env node
'use strict';
/*
 * Local Apache Kafka (KRaft) run straight from Maven Central jars: one node, or a cluster of several on loopback.
 *
 *   node deploy/kafka/local-kafka.cjs fetch                      resolve the classpath once into the cache
 *   node deploy/kafka/local-kafka.cjs start  [--port N] [--sasl-port N] [--data-dir D]   start detached, wait until ready
 *   node deploy/kafka/local-kafka.cjs start  --cluster 3 [--data-dir D]   three combined broker+controller nodes,
 *                                             replication factor 3, min.insync.replicas=2 (startCluster)
 *   node deploy/kafka/local-kafka.cjs run    [--port N] [--sasl-port N] [--data-dir D]   start in the foreground
 *
 * --sasl-port adds a SASL_PLAINTEXT listener (SCRAM-SHA-512) and turns authorization on (KRaft StandardAuthorizer,
 * nothing allowed without an ACL). The loopback PLAINTEXT and CONTROLLER listeners authenticate as User:ANONYMOUS,
 * which is a super user: they exist for local development and tests only. In production the plain listener must not
 * exist (or be firewalled to the broker host) and every client uses its own SCRAM user (docs/adapters.md).
 * --ssl-port adds a SASL_SSL listener (SCRAM-SHA-512 over TLS) and --mtls-port an SSL listener that requires a client
 * certificate (the principal is the certificate's CN); both need --tls-ca, --tls-cert and --tls-key (PEM files: the
 * CA clients are checked against, the broker's certificate and its unencrypted PKCS#8 key) and turn authorization on
 * as --sasl-port does. This is how a production broker's listeners look (docs/operations.md, "TLS").
 *   node deploy/kafka/local-kafka.cjs stop   [--data-dir D]
 *   node deploy/kafka/local-kafka.cjs status [--port N]
 *
 * The jar cache lives outside git: $AJX_CACHE_DIR or ~/.cache/ajx-hub. The same module is used by the test
 * harness (test/integration/global-setup.ts) to give every test run a broker of its own.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { spawn, spawnSync } = require('node:child_process');

const DEFAULT_POM = path.join(__dirname, 'pom.xml');
const DEFAULT_VERSION = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(DEFAULT_POM, 'utf8'))[1];
/**
 * The broker's version: pom.xml's (3.9.x, what the hub is tested and run with) unless AJX_KAFKA_VERSION names another
 * release from Maven Central; a 4.x release is resolved with pom-4.xml (Kafka 4 logs through Log4j 2) — see
 * docs/adr/0010-kafka-3.9-or-4.md.
 */
const KAFKA_VERSION = process.env.AJX_KAFKA_VERSION || DEFAULT_VERSION;
const KAFKA_MAJOR = Number(KAFKA_VERSION.split('.')[0]);
const POM = KAFKA_MAJOR >= 4 ? path.join(__dirname, 'pom-4.xml') : DEFAULT_POM;
const log = (msg) => process.stderr.write(`[local-kafka] ${msg}\n`);

function cacheDir() {
  return process.env.AJX_CACHE_DIR || path.join(os.homedir(), '.cache', 'ajx-hub');
}

/** Resolves the broker's runtime classpath with Maven once; later calls reuse the cached jars. */
function ensureClasspath() {
  const target = path.join(cacheDir(), `kafka-${KAFKA_VERSION}`, 'libs');
  if (fs.existsSync(path.join(target, '.complete'))) return target;
  const tmp = `${target}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  log(`fetching Kafka ${KAFKA_VERSION} jars from Maven Central into ${target} (once)`);
  const mvn = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      POM,
      `-Dkafka.version=${KAFKA_VERSION}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${tmp}`,
      '-DincludeScope=runtime',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (mvn.error || mvn.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `could not fetch the Kafka classpath with Maven (${mvn.error ? mvn.error.message : `exit ${mvn.status}`}); ` +
        'Maven 3 and access to Maven Central are required',
    );
  }
  fs.writeFileSync(path.join(tmp, '.complete'), `${KAFKA_VERSION}\n`);
  try {
    fs.renameSync(tmp, target);
  } catch (err) {
    // Another process finished first: keep its copy.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(target, '.complete'))) throw err;
  }
  return target;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The SASL listener's settings: SCRAM-SHA-512 authentication, StandardAuthorizer, deny without an ACL. */
function saslProperties() {
  return [
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found=false',
    // The loopback PLAINTEXT and CONTROLLER listeners (inter-broker, controller, local tools) are unauthenticated.
    'super.users=User:ANONYMOUS',
  ];
}

/**
 * TLS listeners' settings: the broker's key and certificate chain as a PEM keystore (written beside the config), the CA
 * as a PEM truststore (client certificates of the mTLS listener are checked against it), SCRAM on SASL_SSL, a required
 * client certificate on MTLS whose CN becomes the principal (`User:<CN>`).
 */
function tlsProperties({ tls, keystore, sslPort, mtlsPort }) {
  fs.writeFileSync(
    keystore,
    `${fs.readFileSync(tls.keyFile, 'utf8').trim()}\n${fs.readFileSync(tls.certFile, 'utf8').trim()}\n`,
    { mode: 0o600 },
  );
  return [
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${keystore}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${path.resolve(tls.caFile)}`,
    ...(sslPort
      ? [
          'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        ]
      : []),
    ...(mtlsPort
      ? ['listener.name.mtls.ssl.client.auth=required', 'ssl.principal.mapping.rules=RULE:^CN=([^,]+).*$/$1/,DEFAULT']
      : []),
  ];
}

/**
 * Replication settings: a single node keeps one replica of everything; a cluster of three or more keeps three, and a
 * write with acks=all (every producer of the hub) needs two of them in sync (min.insync.replicas=2), so one broker
 * may be lost without losing an acknowledged write or stopping the writes.
 */
function replicationProperties(nodes) {
  const rf = Math.min(3, nodes);
  const isr = rf >= 3 ? 2 : 1;
  return [
    `offsets.topic.replication.factor=${rf}`,
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${isr}`,
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${isr}`,
    // A replica that is not in sync never becomes leader: an acknowledged write is never given up for availability.
    'unclean.leader.election.enable=false',
  ];
}

function serverProperties({
  port,
  controllerPort,
  saslPort,
  sslPort,
  mtlsPort,
  tls,
  keystore,
  logDir,
  extra,
  nodeId = 1,
  voters,
  nodes = 1,
}) {
  const listeners = [`PLAINTEXT://127.0.0.1:${port}`, `CONTROLLER://127.0.0.1:${controllerPort}`];
  const advertised = [`PLAINTEXT://127.0.0.1:${port}`];
  const protocols = ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT'];
  if (saslPort) {
    listeners.push(`SASL_PLAINTEXT://127.0.0.1:${saslPort}`);
    advertised.push(`SASL_PLAINTEXT://127.0.0.1:${saslPort}`);
    protocols.push('SASL_PLAINTEXT:SASL_PLAINTEXT');
  }
  if ((sslPort || mtlsPort) && !(tls && tls.caFile && tls.certFile && tls.keyFile))
    throw new Error('TLS listeners need the CA, the broker certificate and its key (--tls-ca, --tls-cert, --tls-key)');
  if (sslPort) {
    listeners.push(`SASL_SSL://127.0.0.1:${sslPort}`);
    advertised.push(`SASL_SSL://127.0.0.1:${sslPort}`);
    protocols.push('SASL_SSL:SASL_SSL');
  }
  if (mtlsPort) {
    listeners.push(`MTLS://127.0.0.1:${mtlsPort}`);
    advertised.push(`MTLS://127.0.0.1:${mtlsPort}`);
    protocols.push('MTLS:SSL');
  }
  const secured = Boolean(saslPort || sslPort || mtlsPort);
  const lines = [
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    `controller.quorum.voters=${voters || `1@127.0.0.1:${controllerPort}`}`,
    `listeners=${listeners.join(',')}`,
    `advertised.listeners=${advertised.join(',')}`,
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=${protocols.join(',')}`,
    'inter.broker.listener.name=PLAINTEXT',
    ...(secured ? saslProperties() : []),
    ...(sslPort || mtlsPort ? tlsProperties({ tls, keystore, sslPort, mtlsPort }) : []),
    `log.dirs=${logDir}`,
    ...replicationProperties(nodes),
    'offsets.topic.num.partitions=10',
    'group.initial.rebalance.delay.ms=0',
    // Topics are created explicitly by the project, with their partition counts and retention.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    'num.network.threads=2',
    'num.io.threads=4',
    'message.max.bytes=4194304',
    'replica.fetch.max.bytes=4194304',
    'log.retention.hours=168',
    'log.segment.bytes=268435456',
    'delete.topic.enable=true',
    ...(extra || []),
  ];
  return `${lines.join('\n')}\n`;
}

/** Broker logs to stderr (warnings); the authorizer's denials — the broker's audit trail — to `authorizer.log`. */
function log4jProperties(authorizerLog) {
  if (KAFKA_MAJOR >= 4) return log4j2Properties(authorizerLog);
  return [
    'log4j.rootLogger=WARN, stderr',
    'log4j.logger.kafka=WARN',
    'log4j.logger.org.apache.kafka=WARN',
    'log4j.logger.state.change.logger=ERROR',
    'log4j.appender.stderr=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stderr.Target=System.err',
    'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // StandardAuthorizer logs every denied operation at INFO (allowed ones at DEBUG).
    ...(authorizerLog
      ? [
          'log4j.logger.kafka.authorizer.logger=INFO, authorizer',
          'log4j.additivity.kafka.authorizer.logger=false',
          'log4j.appender.authorizer=org.apache.log4j.FileAppender',
          `log4j.appender.authorizer.File=${authorizerLog}`,
          'log4j.appender.authorizer.layout=org.apache.log4j.PatternLayout',
          'log4j.appender.authorizer.layout.ConversionPattern=[%d] %p %m%n',
        ]
      : []),
    '',
  ].join('\n');
}

/** The same for Kafka 4, which logs through Log4j 2. */
function log4j2Properties(authorizerLog) {
  return [
    'status = warn',
    'appender.stderr.type = Console',
    'appender.stderr.name = STDERR',
    'appender.stderr.target = SYSTEM_ERR',
    'appender.stderr.layout.type = PatternLayout',
    'appender.stderr.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = WARN',
    'rootLogger.appenderRef.stderr.ref = STDERR',
    'logger.statechange.name = state.change.logger',
    'logger.statechange.level = ERROR',
    ...(authorizerLog
      ? [
          'appender.authorizer.type = File',
          'appender.authorizer.name = AUTHORIZER',
          `appender.authorizer.fileName = ${authorizerLog}`,
          'appender.authorizer.layout.type = PatternLayout',
          'appender.authorizer.layout.pattern = [%d] %p %m%n',
          'logger.authorizer.name = kafka.authorizer.logger',
          'logger.authorizer.level = INFO',
          'logger.authorizer.additivity = false',
          'logger.authorizer.appenderRef.authorizer.ref = AUTHORIZER',
        ]
      : []),
    '',
  ].join('\n');
}

/** The JVM option that points the logging backend of this Kafka version at its configuration file. */
function loggingOption(file) {
  return KAFKA_MAJOR >= 4 ? `-Dlog4j2.configurationFile=${file}` : `-Dlog4j.configuration=file:${file}`;
}

function paths(dataDir) {
  return {
    config: path.join(dataDir, 'server.properties'),
    log4j: path.join(dataDir, 'log4j.properties'),
    logDir: path.join(dataDir, 'logs'),
    pidFile: path.join(dataDir, 'kafka.pid'),
    stateFile: path.join(dataDir, 'broker.json'),
    output: path.join(dataDir, 'broker.out'),
    authorizerLog: path.join(dataDir, 'authorizer.log'),
    keystore: path.join(dataDir, 'tls-keystore.pem'),
  };
}

function java(classpath, args, opts) {
  return spawnSync('java', ['-cp', path.join(classpath, '*'), ...args], { encoding: 'utf8', ...opts });
}

/** Formats the storage directory only when it is new (a formatted one has meta.properties). */
function formatIfNew(classpath, p, clusterId) {
  if (fs.existsSync(path.join(p.logDir, 'meta.properties'))) return false;
  const uuid = clusterId || randomClusterId(classpath);
  const res = java(classpath, [
    loggingOption(p.log4j),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    uuid,
    '-c',
    p.config,
  ]);
  if (res.status !== 0) throw new Error(`kafka storage format failed: ${res.stderr || res.stdout}`);
  return true;
}

function randomClusterId(classpath) {
  return java(classpath, ['kafka.tools.StorageTool', 'random-uuid']).stdout.trim();
}

function loadKafkajs() {
  // Resolved from the project's node_modules (the script lives in deploy/kafka).
  return require(require.resolve('kafkajs', { paths: [path.join(__dirname, '..', '..')] }));
}

/** Ready means an admin call succeeds, not merely that the port is open. */
async function isReady(brokers, timeoutMs = 3000) {
  const { Kafka, logLevel } = loadKafkajs();
  const kafka = new Kafka({
    clientId: 'ajx-local-kafka-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(dataDir) {
  try {
    const pid = Number(fs.readFileSync(paths(dataDir).pidFile, 'utf8').trim());
    return pid > 0 && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts the JVM of one node from its written configuration; its output goes to broker.out, its pid to kafka.pid. */
function spawnKafka(classpath, p, heapMb, detached) {
  const out = fs.openSync(p.output, 'a');
  const child = spawn(
    'java',
    [
      `-Xms${Math.min(256, heapMb)}m`,
      `-Xmx${heapMb}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      loggingOption(p.log4j),
      '-cp',
      path.join(classpath, '*'),
      'kafka.Kafka',
      p.config,
    ],
    { detached, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  fs.writeFileSync(p.pidFile, `${child.pid}\n`);
  return child;
}

async function waitReady(brokers, exited, child, p, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await isReady(brokers))) {
    if (exited()) {
      throw new Error(`Kafka exited during start-up (${JSON.stringify(exited())}):\n${tail(p.output)}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Kafka did not become ready on ${brokers[0]} in time:\n${tail(p.output)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Starts a broker and resolves once an admin call succeeds.
 * @returns {{pid:number, port:number, controllerPort:number, brokers:string[], dataDir:string, child:import('child_process').ChildProcess}}
 */
async function startBroker(opts = {}) {
  const dataDir = path.resolve(opts.dataDir || path.join(process.cwd(), 'var', 'kafka'));
  const p = paths(dataDir);
  const existing = readPid(dataDir);
  if (existing) throw new Error(`a broker is already running from ${dataDir} (pid ${existing}); stop it first`);
  const port = opts.port || (await freePort());
  const controllerPort = opts.controllerPort || (await freePort());
  const portOf = async (v) => (v === true || v === 0 ? await freePort() : Number(v || 0));
  const saslPort = await portOf(opts.saslPort);
  const sslPort = await portOf(opts.sslPort);
  const mtlsPort = await portOf(opts.mtlsPort);
  const heapMb = Number(opts.heapMb || process.env.AJX_KAFKA_HEAP_MB || 512);
  const classpath = ensureClasspath();
  fs.mkdirSync(p.logDir, { recursive: true });
  fs.writeFileSync(
    p.config,
    serverProperties({
      port,
      controllerPort,
      saslPort,
      sslPort,
      mtlsPort,
      tls: opts.tls,
      keystore: p.keystore,
      logDir: p.logDir,
      extra: opts.extraProperties,
    }),
  );
  fs.writeFileSync(p.log4j, log4jProperties(p.authorizerLog));
  if (formatIfNew(classpath, p)) log(`formatted new storage in ${p.logDir}`);

  const child = spawnKafka(classpath, p, heapMb, !opts.foreground);
  fs.writeFileSync(p.pidFile, `${child.pid}\n`);
  const brokers = [`127.0.0.1:${port}`];
  const saslBrokers = saslPort ? [`127.0.0.1:${saslPort}`] : [];
  const sslBrokers = sslPort ? [`127.0.0.1:${sslPort}`] : [];
  const mtlsBrokers = mtlsPort ? [`127.0.0.1:${mtlsPort}`] : [];
  fs.writeFileSync(
    p.stateFile,
    JSON.stringify(
      {
        pid: child.pid,
        port,
        controllerPort,
        saslPort,
        sslPort,
        mtlsPort,
        brokers,
        saslBrokers,
        sslBrokers,
        mtlsBrokers,
      },
      null,
      2,
    ),
  );
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));

  await waitReady(brokers, () => exited, child, p, Number(opts.readyTimeoutMs || 90000));
  if (!opts.foreground) child.unref();
  return {
    pid: child.pid,
    port,
    controllerPort,
    saslPort,
    sslPort,
    mtlsPort,
    brokers,
    saslBrokers,
    sslBrokers,
    mtlsBrokers,
    dataDir,
    child,
  };
}

/**
 * Creates, updates or deletes SCRAM-SHA-512 credentials (KRaft keeps them in the metadata log) through the admin API
 * (deploy/kafka/ScramUsers.java run on the Kafka jars; kafkajs cannot alter SCRAM credentials). Passwords go to the
 * JVM on stdin, never on a command line, and are never logged.
 * @param {string} bootstrap host:port of a listener whose principal may alter users (the local plain listener, or an
 *   admin connection described by opts.clientProperties)
 * @param {{user:string, password?:string}[]} changes a password upserts the user, none deletes its credentials
 */
function alterScramUsers(bootstrap, changes, opts = {}) {
  const lines = changes.map(({ user, password }) => {
    if (!/^[A-Za-z0-9._@-]+$/.test(user)) throw new Error(`invalid SCRAM user name ${JSON.stringify(user)}`);
    if (password !== undefined && !/^\S+$/.test(password))
      throw new Error(`the password of ${user} is empty or has spaces`);
    return password === undefined ? `delete ${user}` : `upsert ${user} ${password}`;
  });
  if (lines.length === 0) return;
  const dataLog4j = path.join(os.tmpdir(), 'ajx-kafka-tools-log4j.properties');
  fs.writeFileSync(dataLog4j, log4jProperties(null));
  const res = java(
    ensureClasspath(),
    [
      loggingOption(dataLog4j),
      path.join(__dirname, 'ScramUsers.java'),
      bootstrap,
      ...(opts.clientProperties ? [opts.clientProperties] : []),
    ],
    { input: `${lines.join('\n')}\n` },
  );
  if (res.status !== 0) throw new Error(`altering SCRAM users failed: ${(res.stderr || res.stdout).trim()}`);
}

/** Stops the broker started from dataDir: SIGTERM (controlled shutdown), SIGKILL after the grace period. */
async function stopBroker(dataDir, graceMs = 30000) {
  const dir = path.resolve(dataDir || path.join(process.cwd(), 'var', 'kafka'));
  const pid = readPid(dir);
  if (!pid) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  fs.rmSync(paths(dir).pidFile, { force: true });
  return true;
}

/**
 * A local KRaft cluster: `nodes` processes on loopback, each a combined broker and controller (node ids 1…n, all of
 * them voters), one data directory each under `dataDir/node-<id>`, one cluster id, replication factor 3 and
 * min.insync.replicas=2 (replicationProperties), rack-unaware. `cluster.json` keeps the ports, so a node killed with
 * SIGKILL is started again on the same ports and storage (startClusterNode).
 */
function clusterState(dataDir) {
  const file = path.join(dataDir, 'cluster.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

function nodeDir(dataDir, nodeId) {
  return path.join(dataDir, `node-${nodeId}`);
}

/** Resolves once an admin call succeeds and the cluster's metadata lists `expected` brokers. */
async function clusterReady(brokers, expected, timeoutMs = 3000) {
  const { Kafka, logLevel } = loadKafkajs();
  const kafka = new Kafka({
    clientId: 'ajx-local-kafka-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length >= expected && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function prepareClusterNode(classpath, state, node, dataDir, extra) {
  const p = paths(nodeDir(dataDir, node.nodeId));
  fs.mkdirSync(p.logDir, { recursive: true });
  fs.writeFileSync(
    p.config,
    serverProperties({
      port: node.port,
      controllerPort: node.controllerPort,
      logDir: p.logDir,
      extra,
      nodeId: node.nodeId,
      voters: state.nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(','),
      nodes: state.nodes.length,
    }),
  );
  fs.writeFileSync(p.log4j, log4jProperties(null));
  formatIfNew(classpath, p, state.clusterId);
  return p;
}

async function startCluster(opts = {}) {
  const dataDir = path.resolve(opts.dataDir || path.join(process.cwd(), 'var', 'kafka-cluster'));
  const count = Number(opts.nodes || 3);
  if (!Number.isInteger(count) || count < 1 || count > 9)
    throw new Error(`--cluster must be 1…9 nodes, not ${opts.nodes}`);
  const heapMb = Number(opts.heapMb || process.env.AJX_KAFKA_HEAP_MB || 512);
  const classpath = ensureClasspath();
  fs.mkdirSync(dataDir, { recursive: true });
  let state = clusterState(dataDir);
  if (state && state.nodes.length !== count)
    throw new Error(`${dataDir} holds a cluster of ${state.nodes.length} nodes, not ${count}`);
  for (const n of state ? state.nodes : []) {
    const pid = readPid(nodeDir(dataDir, n.nodeId));
    if (pid) throw new Error(`node ${n.nodeId} of ${dataDir} is already running (pid ${pid}); stop the cluster first`);
  }
  if (!state) {
    const nodes = [];
    for (let i = 0; i < count; i++) {
      nodes.push({
        nodeId: i + 1,
        port: (opts.ports && opts.ports[i]) || (await freePort()),
        controllerPort: await freePort(),
      });
    }
    state = { clusterId: randomClusterId(classpath), version: KAFKA_VERSION, nodes };
    fs.writeFileSync(path.join(dataDir, 'cluster.json'), JSON.stringify(state, null, 2));
  }
  const brokers = state.nodes.map((n) => `127.0.0.1:${n.port}`);
  // Every node is started before waiting: the controllers need a majority of the voters to elect a leader.
  const started = state.nodes.map((n) => {
    const p = prepareClusterNode(classpath, state, n, dataDir, opts.extraProperties);
    const child = spawnKafka(classpath, p, heapMb, true);
    let exited = null;
    child.on('exit', (code, signal) => (exited = { code, signal }));
    return { n, p, child, exited: () => exited };
  });
  const deadline = Date.now() + Number(opts.readyTimeoutMs || 180000);
  while (!(await clusterReady(brokers, count))) {
    const dead = started.find((s) => s.exited());
    if (dead || Date.now() > deadline) {
      for (const s of started) s.child.kill('SIGKILL');
      const s = dead || started[0];
      throw new Error(
        `Kafka cluster node ${s.n.nodeId} ${dead ? `exited (${JSON.stringify(dead.exited())})` : 'not ready in time'}:\n${tail(s.p.output)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const s of started) s.child.unref();
  return {
    dataDir,
    clusterId: state.clusterId,
    brokers,
    nodes: started.map((s) => ({ ...s.n, pid: s.child.pid, dataDir: nodeDir(dataDir, s.n.nodeId) })),
  };
}

/** Starts one node of a cluster again (after a kill) and resolves once every node is back in the metadata. */
async function startClusterNode(dataDir, nodeId, opts = {}) {
  const dir = path.resolve(dataDir);
  const state = clusterState(dir);
  if (!state) throw new Error(`no cluster in ${dir}`);
  const n = state.nodes.find((x) => x.nodeId === nodeId);
  if (!n) throw new Error(`no node ${nodeId} in ${dir}`);
  if (readPid(nodeDir(dir, nodeId))) throw new Error(`node ${nodeId} of ${dir} is running`);
  const classpath = ensureClasspath();
  const p = prepareClusterNode(classpath, state, n, dir, opts.extraProperties);
  const child = spawnKafka(classpath, p, Number(opts.heapMb || process.env.AJX_KAFKA_HEAP_MB || 512), true);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const deadline = Date.now() + Number(opts.readyTimeoutMs || 180000);
  while (!(await clusterReady([`127.0.0.1:${n.port}`], state.nodes.length))) {
    if (exited)
      throw new Error(`node ${nodeId} exited during start-up (${JSON.stringify(exited)}):\n${tail(p.output)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node ${nodeId} did not become ready in time:\n${tail(p.output)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.unref();
  return { ...n, pid: child.pid, dataDir: nodeDir(dir, nodeId) };
}

/** kill -9 of one node: no controlled shutdown, no leadership hand-over. Resolves once the process is gone. */
async function killClusterNode(dataDir, nodeId) {
  const dir = nodeDir(path.resolve(dataDir), nodeId);
  const pid = readPid(dir);
  if (!pid) return false;
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
  fs.rmSync(paths(dir).pidFile, { force: true });
  return true;
}

/**
 * The KRaft quorum's leader (the active controller) as the nodes last recorded it: each voter persists the leader id
 * and epoch it knows in `__cluster_metadata-0/quorum-state`; the highest epoch wins. null when none knows a leader.
 */
function quorumLeader(dataDir) {
  const state = clusterState(path.resolve(dataDir));
  let best = null;
  for (const n of state ? state.nodes : []) {
    const file = path.join(
      paths(nodeDir(path.resolve(dataDir), n.nodeId)).logDir,
      '__cluster_metadata-0',
      'quorum-state',
    );
    try {
      const q = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (q.leaderId > 0 && (!best || q.leaderEpoch > best.epoch)) best = { nodeId: q.leaderId, epoch: q.leaderEpoch };
    } catch {
      // not written yet
    }
  }
  return best;
}

/** Stops every node of the cluster (SIGTERM, SIGKILL after the grace period). */
async function stopCluster(dataDir, graceMs = 30000) {
  const dir = path.resolve(dataDir);
  const state = clusterState(dir);
  if (!state) return false;
  await Promise.all(state.nodes.map((n) => stopBroker(nodeDir(dir, n.nodeId), graceMs)));
  return true;
}

function parseArgs(argv) {
  const args = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const key = a.slice(2);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) args[key] = true;
      else args[key] = argv[++i];
    } else args._.push(a);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const cmd = args._[0];
  const dataDir =
    args['data-dir'] ||
    process.env.AJX_KAFKA_DATA_DIR ||
    path.join(process.cwd(), 'var', args.cluster ? 'kafka-cluster' : 'kafka');
  const port = Number(args.port || process.env.AJX_KAFKA_PORT || 9092);
  const saslPort = Number(args['sasl-port'] || process.env.AJX_KAFKA_SASL_PORT || 0) || undefined;
  const sslPort = Number(args['ssl-port'] || 0) || undefined;
  const mtlsPort = Number(args['mtls-port'] || 0) || undefined;
  const tls = args['tls-ca']
    ? { caFile: args['tls-ca'], certFile: args['tls-cert'], keyFile: args['tls-key'] }
    : undefined;
  switch (cmd) {
    case 'fetch':
      log(`classpath ready: ${ensureClasspath()}`);
      return 0;
    case 'start': {
      if (args.cluster) {
        const c = await startCluster({ dataDir, nodes: args.cluster === true ? 3 : Number(args.cluster) });
        log(
          `Kafka ${KAFKA_VERSION} cluster of ${c.nodes.length} ready: ${c.brokers.join(',')} ` +
            `(pids ${c.nodes.map((n) => n.pid).join(' ')}, data ${c.dataDir}); AJX_KAFKA_BROKERS=${c.brokers.join(',')}`,
        );
        return 0;
      }
      const b = await startBroker({ dataDir, port, saslPort, sslPort, mtlsPort, tls });
      log(`Kafka ${KAFKA_VERSION} ready on ${b.brokers[0]} (pid ${b.pid}, data ${b.dataDir})`);
      if (b.saslPort) log(`SASL_PLAINTEXT (SCRAM-SHA-512) listener on 127.0.0.1:${b.saslPort}`);
      if (b.sslPort) log(`SASL_SSL (SCRAM-SHA-512 over TLS) listener on 127.0.0.1:${b.sslPort}`);
      if (b.mtlsPort) log(`SSL listener with client certificates (mTLS) on 127.0.0.1:${b.mtlsPort}`);
      return 0;
    }
    case 'run': {
      const b = await startBroker({ dataDir, port, saslPort, sslPort, mtlsPort, tls, foreground: true });
      log(`Kafka ${KAFKA_VERSION} ready on ${b.brokers[0]} (pid ${b.pid}); Ctrl-C stops it`);
      const stop = () => b.child.kill('SIGTERM');
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      await new Promise((r) => b.child.on('exit', r));
      fs.rmSync(paths(dataDir).pidFile, { force: true });
      return 0;
    }
    case 'stop':
      if (clusterState(path.resolve(dataDir))) log((await stopCluster(dataDir)) ? 'cluster stopped' : 'no cluster');
      else log((await stopBroker(dataDir)) ? 'stopped' : 'no broker running');
      return 0;
    case 'status': {
      const ok = await isReady([`127.0.0.1:${port}`]);
      log(ok ? `ready on 127.0.0.1:${port}` : `not reachable on 127.0.0.1:${port}`);
      return ok ? 0 : 1;
    }
    default:
      log(
        'usage: local-kafka.cjs fetch|start|run|stop|status [--cluster N] [--port N] [--sasl-port N] [--ssl-port N] [--mtls-port N] ' +
          '[--tls-ca F --tls-cert F --tls-key F] [--data-dir DIR]',
      );
      return 2;
  }
}

module.exports = {
  ensureClasspath,
  startBroker,
  stopBroker,
  startCluster,
  startClusterNode,
  killClusterNode,
  stopCluster,
  quorumLeader,
  clusterReady,
  serverProperties,
  isReady,
  freePort,
  alterScramUsers,
  KAFKA_VERSION,
};

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      log(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
