import type { TokenIssuer } from '../auth/tokens';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';
import { DepartmentsService } from './departments.service';
import { LinksService } from './links.service';
import { TagsService } from './tags.service';
import { CompanyService } from './company.service';

export type Services = ReturnType<typeof createServices>;

export function createServices(deps: { tokens: TokenIssuer; publicUrl: string }) {
  const auth = new AuthService(deps.tokens);
  return {
    auth,
    users: new UsersService(auth),
    departments: new DepartmentsService(),
    links: new LinksService(deps.publicUrl),
    tags: new TagsService(),
    company: new CompanyService(),
  };
}
