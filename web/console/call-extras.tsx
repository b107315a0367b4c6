import { useEffect, useRef, useState } from 'preact/hooks';
import type { Session } from './auth';
import type { T } from './context';

interface Tag {
  id: string;
  name: string;
  color: string | null;
}

/** The call's tags, and a tenant tag to add. */
export function CallTags(props: { callId: string; session: Session; t: T }) {
  const { callId, session, t } = props;
  const [all, setAll] = useState<Tag[]>([]);
  const [mine, setMine] = useState<Tag[]>([]);
  const choice = useRef<HTMLSelectElement>(null);
  const load = () => session.api<Tag[]>('GET', `/api/v1/calls/${callId}/tags`).then(setMine).catch(() => undefined);
  useEffect(() => {
    session.api<Tag[]>('GET', '/api/v1/tags?page_size=100').then(setAll).catch(() => undefined);
    void load();
  }, [callId]);
  const add = async () => {
    const id = choice.current?.value;
    if (!id) return;
    await session.api('POST', `/api/v1/calls/${callId}/tags`, { body: { tag_id: id } }).catch(() => undefined);
    await load();
  };
  const remove = async (id: string) => {
    await session.api('DELETE', `/api/v1/calls/${callId}/tags/${id}`).catch(() => undefined);
    await load();
  };
  const free = all.filter((tag) => !mine.some((m) => m.id === tag.id));
  return (
    <fieldset class="tags">
      <legend>{t('tags')}</legend>
      <ul class="chips" data-testid="call-tags">
        {mine.map((tag) => (
          <li key={tag.id} data-tag-id={tag.id} class="chip">
            {tag.name} <button type="button" aria-label={`× ${tag.name}`} onClick={() => remove(tag.id)}>×</button>
          </li>
        ))}
      </ul>
      <div class="row">
        <select data-testid="tag-choice" ref={choice} aria-label={t('chooseTag')}>
          {free.map((tag) => <option value={tag.id} key={tag.id}>{tag.name}</option>)}
        </select>
        <button data-testid="add-tag" type="button" onClick={add} disabled={!free.length}>{t('addTag')}</button>
      </div>
    </fieldset>
  );
}

interface CallFile {
  id: string;
  filename: string;
  size: number;
  url: string;
}

/** Uploads through the documented multipart route, and the call's files. */
export function CallFiles(props: { callId: string; session: Session; t: T }) {
  const { callId, session, t } = props;
  const [files, setFiles] = useState<CallFile[]>([]);
  const [error, setError] = useState<string>();
  const load = () => session.api<CallFile[]>('GET', `/api/v1/calls/${callId}/files`).then(setFiles).catch(() => undefined);
  useEffect(() => void load(), [callId]);
  const upload = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    setError(undefined);
    try {
      await session.api('POST', `/api/v1/calls/${callId}/upload`, { form });
      input.value = '';
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const open = (file: CallFile) => session.download(file.url, file.filename).catch((err) => setError(err.message));
  return (
    <fieldset class="files">
      <legend>{t('files')}</legend>
      <label>{t('upload')}<input data-testid="upload-file" type="file" onChange={upload} /></label>
      {error && <p role="alert" class="error">{error}</p>}
      {files.length === 0 ? <p class="muted">{t('noFiles')}</p> : (
        <ul class="list" data-testid="call-files">
          {files.map((f) => (
            <li key={f.id} data-file-id={f.id}>
              <button type="button" class="link" onClick={() => open(f)}>{f.filename}</button>
              <span class="muted">{Math.ceil(f.size / 1024)} KB</span>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
