// A form's values for a submit handler: invalid fields show their own messages, so nothing is thrown.
import type { FormInstance } from 'antd';

/** The form's values when every field is valid, else null — never a rejected promise (no unhandled rejection from a dialog's OK). */
export async function formValues<T>(form: FormInstance<T>): Promise<T | null> {
  try {
    return await form.validateFields();
  } catch {
    return null;
  }
}
