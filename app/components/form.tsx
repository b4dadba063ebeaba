import type { InputHTMLAttributes } from 'react'

export function Field({
  label,
  hint,
  errors,
  ...input
}: { label: string; hint?: string; errors?: string[] } & InputHTMLAttributes<HTMLInputElement>) {
  const errorId = errors?.length ? `${input.name}-error` : undefined
  return (
    <label>
      {label}
      {hint ? <span className="hint">{hint}</span> : null}
      <input {...input} aria-invalid={errorId ? true : undefined} aria-describedby={errorId} />
      {errorId ? (
        <p className="field-error" id={errorId}>
          {errors!.join(' ')}
        </p>
      ) : null}
    </label>
  )
}

export function FormError({ message }: { message?: string }) {
  return message ? (
    <p className="form-error" role="alert">
      {message}
    </p>
  ) : null
}
