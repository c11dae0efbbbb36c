// Date and time inputs that read the same in every browser: 24-hour times (HH:mm) and dates as YYYY-MM-DD, in the
// console's language rather than the browser's. antd pickers whose form values stay plain strings.
import type { CSSProperties } from 'react';
import { DatePicker, TimePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';

dayjs.extend(customParseFormat);

/** The value formats of the inputs (what the form holds), and how they show. */
export const pickerFormats = { time: 'HH:mm', date: 'YYYY-MM-DD', dateTime: 'YYYY-MM-DD HH:mm', dateTimeValue: 'YYYY-MM-DDTHH:mm' } as const;

/** What Form.Item hands an input, and the few props the pages set. */
interface PickerProps {
  value?: string;
  onChange?: (value: string) => void;
  id?: string;
  style?: CSSProperties;
  placeholder?: string;
  'aria-label'?: string;
}

function parsed(value: string | undefined, format: string): Dayjs | null {
  if (!value) return null;
  const d = dayjs(value, format, true);
  return d.isValid() ? d : null;
}

/** A time of day as "HH:mm" (24-hour). */
export function TimeInput({ value, onChange, ...rest }: PickerProps) {
  return <TimePicker {...rest} format={pickerFormats.time} needConfirm={false} value={parsed(value, pickerFormats.time)} onChange={(d) => onChange?.(d ? d.format(pickerFormats.time) : '')} />;
}

/** A calendar date as "YYYY-MM-DD". */
export function DateInput({ value, onChange, ...rest }: PickerProps) {
  return <DatePicker {...rest} format={pickerFormats.date} value={parsed(value, pickerFormats.date)} onChange={(d) => onChange?.(d ? d.format(pickerFormats.date) : '')} />;
}

/** A date and time shown as "YYYY-MM-DD HH:mm", held as a datetime-local value ("YYYY-MM-DDTHH:mm", read in the tenant's zone by fmt.fromInput). */
export function DateTimeInput({ value, onChange, ...rest }: PickerProps) {
  return (
    <DatePicker {...rest} showTime={{ format: pickerFormats.time }} format={pickerFormats.dateTime} needConfirm={false}
      value={parsed(value, pickerFormats.dateTimeValue)} onChange={(d) => onChange?.(d ? d.format(pickerFormats.dateTimeValue) : '')} />
  );
}
