// A rendering failure on unexpected envelope data must never leave a blank page.
import { Component, type ReactNode } from 'react';
import { useOpener } from './store.ts';

export class ScreenBoundary extends Component<{ children: ReactNode }, { error: string | null }> {
  override state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  private close = () => {
    useOpener.getState().closeEnvelope();
    this.setState({ error: null });
  };
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <main className="start">
        <div className="error-box" role="alert">
          <h1>This envelope could not be shown</h1>
          <p>{this.state.error}</p>
        </div>
        <button type="button" onClick={this.close}>
          Close envelope
        </button>
      </main>
    );
  }
}
