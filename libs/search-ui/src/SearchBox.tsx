import { useId } from 'react';
import { SearchIcon } from '@acme/icons';
import './search-ui.css';

export interface SearchBoxProps {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
}

export function SearchBox({ value, onChange, placeholder = 'Search courses, skills and instructors' }: SearchBoxProps) {
  const id = useId();
  return (
    <form className="search-box" role="search" onSubmit={(event) => event.preventDefault()}>
      <label htmlFor={id} className="search-box__label">
        <SearchIcon size={18} title="Search" />
      </label>
      <input
        id={id}
        type="search"
        value={value}
        placeholder={placeholder}
        autoComplete="off"
        onChange={(event) => onChange(event.target.value)}
      />
    </form>
  );
}
