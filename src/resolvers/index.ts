import { AuthResolver } from './auth.resolver';
import { UserResolver } from './user.resolver';
import { DepartmentResolver } from './department.resolver';
import { LinkResolver } from './link.resolver';
import { TagResolver } from './tag.resolver';
import { CompanyResolver } from './company.resolver';
import { WidgetResolver } from './widget.resolver';
import { CallResolver } from './call.resolver';
import { EvaluationResolver } from './evaluation.resolver';
import { AppointmentResolver } from './appointment.resolver';
import { RealtimeResolver } from './realtime.resolver';
import { CustomerResolver } from './customer.resolver';
import { AuditResolver } from './audit.resolver';
import { WebhookResolver } from './webhook.resolver';
import { AnalyticsResolver } from './analytics.resolver';

export const RESOLVERS = [
  AuthResolver, UserResolver, DepartmentResolver, LinkResolver, TagResolver, CompanyResolver,
  WidgetResolver, CallResolver, EvaluationResolver, AppointmentResolver, RealtimeResolver, CustomerResolver, AnalyticsResolver, AuditResolver,
  WebhookResolver,
] as const;
