// The part of classic Jupyter Notebook's page API (window.Jupyter, notebook 6) that
// test/browser/live.mjs reads inside page.evaluate callbacks: declared here for its type-check.

interface JupyterOutput {
  output_type: string;
  name?: string;
}

interface JupyterCell {
  cell_type: string;
  input_prompt_number: unknown;
  element: HTMLElement[];
  output_area: { outputs: JupyterOutput[]; element: HTMLElement[] };
  get_text(): string;
  set_text(text: string): void;
}

interface Window {
  Jupyter: {
    notebook: {
      kernel: { name: string; is_connected(): boolean };
      get_cells(): JupyterCell[];
      get_cell(i: number): JupyterCell;
      select(i: number): void;
      insert_cell_at_bottom(type: string): JupyterCell;
    };
  };
}
