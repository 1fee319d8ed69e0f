import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { loadSession, session, type PrincipalType, whenSignedOut } from './api';

type Meta = { title: string; roles?: PrincipalType[] };
const page = (path: string, title: string, roles: PrincipalType[], component: RouteRecordRaw['component']) =>
  ({ path, component, meta: { title, roles } satisfies Meta }) as RouteRecordRaw;
const DEPT: PrincipalType[] = ['department'];
const INSURER: PrincipalType[] = ['insurer'];
const OPS: PrincipalType[] = ['operator'];

export const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('./pages/LoginPage.vue'), meta: { title: '登录' } },
  { path: '/', redirect: () => home() },
  page('/dept/overview', '监管概览', DEPT, () => import('./pages/DeptOverview.vue')),
  page('/dept/findings', '监管发现', DEPT, () => import('./pages/FindingsPage.vue')),
  page('/dept/findings/:id', '监管发现详情', DEPT, () => import('./pages/FindingDetail.vue')),
  page('/dept/records', '业务记录', DEPT, () => import('./pages/RecordsPage.vue')),
  page('/dept/records/:collection/:subject', '记录详情', DEPT, () => import('./pages/RecordDetail.vue')),
  page('/dept/feed', '实时动态', DEPT, () => import('./pages/FeedPage.vue')),
  page('/dept/urgent', '紧急事项', DEPT, () => import('./pages/UrgentPage.vue')),
  page('/dept/reports', '报表下载', DEPT, () => import('./pages/ReportsPage.vue')),
  page('/dept/register', '应保企业名录', DEPT, () => import('./pages/RegisterPage.vue')),
  page('/dept/webhook', '推送设置', DEPT, () => import('./pages/WebhookPage.vue')),
  page('/dept/enterprises/:uscc?', '企业画像', DEPT, () => import('./pages/EnterprisePage.vue')),
  page('/insurer/upload', '上传数据', INSURER, () => import('./pages/InsurerUpload.vue')),
  page('/insurer/batches', '批次报告', INSURER, () => import('./pages/InsurerBatches.vue')),
  page('/insurer/findings', '本公司监管发现', INSURER, () => import('./pages/InsurerFindings.vue')),
  page('/ops/health', '服务状态', OPS, () => import('./pages/OpsHealth.vue')),
  page('/ops/interchange', '省级交换状态', OPS, () => import('./pages/OpsInterchange.vue')),
  page('/ops/dlq', '死信队列', OPS, () => import('./pages/OpsDlq.vue')),
  page('/ops/users', '主体、用户与凭证', OPS, () => import('./pages/OpsUsers.vue')),
  page('/ops/audit', '审计链校验', OPS, () => import('./pages/OpsAudit.vue')),
  { path: '/:rest(.*)*', component: () => import('./pages/NotFound.vue'), meta: { title: '页面不存在' } },
];

export function home(): string {
  switch (session.info?.principal.type) {
    case 'department':
      return '/dept/overview';
    case 'insurer':
      return '/insurer/upload';
    case 'operator':
      return '/ops/health';
    default:
      return '/login';
  }
}

export const router = createRouter({ history: createWebHistory('/console/'), routes });

// Every page but the sign-in form needs a session: signed out, the browser goes to the form (and back afterwards).
router.beforeEach(async (to) => {
  if (!session.checked) await loadSession();
  if (to.path === '/login') return session.info ? home() : true;
  if (!session.info) return { path: '/login', query: { next: to.fullPath } };
  const roles = (to.meta as Meta).roles;
  if (roles && !roles.includes(session.info.principal.type)) return home();
  return true;
});
router.afterEach((to) => {
  document.title = `${(to.meta as Meta).title ?? ''} · 安责险数据交换枢纽`;
});

whenSignedOut(() => {
  const next = router.currentRoute.value.fullPath;
  void router.push({ path: '/login', query: next.startsWith('/login') ? {} : { next } });
});
