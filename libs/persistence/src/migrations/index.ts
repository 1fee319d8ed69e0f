import { Foundation1795392000000 } from './1795392000000-foundation';
import { PrincipalsAuditIngest1795392100000 } from './1795392100000-principals-audit-ingest';
import { CanonicalStore1795392200000 } from './1795392200000-canonical-store';
import { DepartmentViews1795392300000 } from './1795392300000-department-views';
import { DepartmentFeeds1795392400000 } from './1795392400000-department-feeds';
import { DlqRawBytes1795392450000 } from './1795392450000-dlq-raw-bytes';
import { Interchange1795392500000 } from './1795392500000-interchange';
import { ViewsWithoutFeedSeq1795392600000 } from './1795392600000-views-without-feed-seq';
import { DeptPayloads1795392700000 } from './1795392700000-dept-payloads';
import { LeanCanonicalRecords1795392800000 } from './1795392800000-lean-canonical-records';
import { UploadSessions1795392900000 } from './1795392900000-upload-sessions';
import { RecordKindsV21795393000000 } from './1795393000000-record-kinds-v2';
import { PersonalData1795393100000 } from './1795393100000-personal-data';
import { RegisterAlternative1795393500000 } from './1795393500000-register-alternative';
import { Supervision1795393600000 } from './1795393600000-supervision';
import { UrgentAccidents1795393700000 } from './1795393700000-urgent-accidents';
import { DlqOnePerRecord1795393790000 } from './1795393790000-dlq-one-per-record';
import { ConsoleUsers1795393800000 } from './1795393800000-console-users';
import { WebhookSecretsAtRest1795393810000 } from './1795393810000-webhook-secrets-at-rest';
import { Reports1795393860000 } from './1795393860000-reports';
import { UploadSessionPurge1795393900000 } from './1795393900000-upload-session-purge';
import { AdapterBatches1795393950000 } from './1795393950000-adapter-batches';
import { InterchangePulls1795394000000 } from './1795394000000-interchange-pulls';
import { LeanCanonicalIndexes1795394100000 } from './1795394100000-lean-canonical-indexes';
import { SupervisionLookups1795394200000 } from './1795394200000-supervision-lookups';
import { InsurerFigures1795394300000 } from './1795394300000-insurer-figures';
import { SupervisionRevisits1795394400000 } from './1795394400000-supervision-revisits';

/** Every migration, in order. Listed explicitly so tools and tests need no file globbing. */
export const MIGRATIONS = [
  Foundation1795392000000,
  PrincipalsAuditIngest1795392100000,
  CanonicalStore1795392200000,
  DepartmentViews1795392300000,
  DepartmentFeeds1795392400000,
  DlqRawBytes1795392450000,
  Interchange1795392500000,
  ViewsWithoutFeedSeq1795392600000,
  DeptPayloads1795392700000,
  LeanCanonicalRecords1795392800000,
  UploadSessions1795392900000,
  RecordKindsV21795393000000,
  PersonalData1795393100000,
  RegisterAlternative1795393500000,
  Supervision1795393600000,
  UrgentAccidents1795393700000,
  DlqOnePerRecord1795393790000,
  ConsoleUsers1795393800000,
  WebhookSecretsAtRest1795393810000,
  Reports1795393860000,
  UploadSessionPurge1795393900000,
  AdapterBatches1795393950000,
  InterchangePulls1795394000000,
  LeanCanonicalIndexes1795394100000,
  SupervisionLookups1795394200000,
  InsurerFigures1795394300000,
  SupervisionRevisits1795394400000,
];
