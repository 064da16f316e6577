/** What a surface gives the modules that render pages on it. */
export interface SurfaceAssets {
  /** The versioned address of the surface's stylesheet. */
  cssUrl: string;
}
