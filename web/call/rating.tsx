import { useState } from 'preact/hooks';
import { ApiError, request } from '../shared/api';

/** The documented evaluate route: 1–5 and an optional comment, once. */
export function Rating(props: { callId: string; t: (key: string, vars?: Record<string, string | number>) => string }) {
  const { t } = props;
  const [rating, setRating] = useState(0);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!rating) return setError(t('chooseRating'));
    const comment = String(new FormData(e.currentTarget as HTMLFormElement).get('comment') ?? '').trim();
    try {
      await request('POST', `/api/v1/call/evaluate/${props.callId}`, { body: comment ? { rating, comment } : { rating } });
      setSent(true);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  if (sent) return <p data-testid="thanks" role="status" class="thanks">{t('thanks')}</p>;
  return (
    <form data-testid="rating-form" onSubmit={submit}>
      <fieldset>
        <legend>{t('rateTitle')}</legend>
        <div class="stars" role="radiogroup" aria-label={t('rateTitle')}>
          {[1, 2, 3, 4, 5].map((n) => (
            <button type="button" data-testid={`rating-${n}`} role="radio" aria-checked={rating === n}
              aria-label={t('stars', { n })} class={n <= rating ? 'star on' : 'star'} onClick={() => setRating(n)}>★</button>
          ))}
        </div>
      </fieldset>
      <label>{t('comment')}<textarea data-testid="comment" name="comment" rows={3} maxLength={2000} /></label>
      {error && <p role="alert" class="error">{error}</p>}
      <button data-testid="submit-rating" class="primary" type="submit">{t('submit')}</button>
    </form>
  );
}
