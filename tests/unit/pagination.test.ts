import { readPageArgs, pageMeta } from '../../src/services/pagination';
import { AppError } from '../../src/errors';

const SORT = ['inserted_at', 'name'];
const DEF = { sortBy: 'inserted_at', sortOrder: 'asc' as const };

describe('readPageArgs', () => {
  it('defaults to page 1 of 20', () => {
    expect(readPageArgs({}, SORT, DEF)).toEqual({ page: 1, pageSize: 20, sortBy: 'inserted_at', sortOrder: 'asc' });
  });

  it('clamps page_size to 100 and accepts upper-case order', () => {
    expect(readPageArgs({ pageSize: 5000, sortOrder: 'DESC' }, SORT, DEF)).toMatchObject({ pageSize: 100, sortOrder: 'desc' });
  });

  it('collects every problem into one 422', () => {
    try {
      readPageArgs({ page: 0, pageSize: -1, sortBy: 'password', sortOrder: 'sideways' }, SORT, DEF);
      throw new Error('expected a validation error');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(422);
      expect(Object.keys((error as AppError).fields!)).toEqual(['page', 'pageSize', 'sortBy', 'sortOrder']);
    }
  });
});

describe('pageMeta', () => {
  it('rounds total pages up, and is 0 pages for an empty list', () => {
    expect(pageMeta(1, 20, 41)).toEqual({ currentPage: 1, pageSize: 20, totalPages: 3, totalCount: 41 });
    expect(pageMeta(1, 20, 0).totalPages).toBe(0);
  });
});
