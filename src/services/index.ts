import type { TokenIssuer } from '../auth/tokens';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';
import { DepartmentsService } from './departments.service';
import { LinksService } from './links.service';
import { TagsService } from './tags.service';
import { CompanyService } from './company.service';
import { QueueMath, type PresenceReader } from './queue';
import { WidgetService } from './widget.service';
import { CallsService } from './calls.service';
import { EvaluationsService } from './evaluations.service';
import { TurnService } from './turn.service';
import { FilesService } from './files.service';

export type Services = ReturnType<typeof createServices>;

export interface ServiceSettings {
  tokens: TokenIssuer;
  publicUrl: string;
  websocketUrl: string;
  customerTokenTtlSeconds: number;
  turnSecret: string;
  turnUrls: string[];
  presence: PresenceReader;
  dataDir: string;
  uploadLimitBytes: number;
}

export function createServices(s: ServiceSettings) {
  const auth = new AuthService(s.tokens);
  const evaluations = new EvaluationsService();
  return {
    auth,
    users: new UsersService(auth),
    departments: new DepartmentsService(),
    links: new LinksService(s.publicUrl),
    tags: new TagsService(),
    company: new CompanyService(),
    widget: new WidgetService(new QueueMath(s.presence), s.tokens, evaluations, {
      websocketUrl: s.websocketUrl, customerTokenTtl: s.customerTokenTtlSeconds,
    }),
    calls: new CallsService(),
    evaluations,
    turn: new TurnService(s.turnSecret, s.turnUrls),
    files: new FilesService(s.dataDir, s.uploadLimitBytes),
  };
}
