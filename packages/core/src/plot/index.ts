export { lineChartPng, lineChartLayout } from './line-chart.js';
export type { LineSeries, LineChartOptions, LineChartLayout } from './line-chart.js';
export { scatterPng, scatterLayout } from './scatter.js';
export type { ScatterOptions, ScatterLayout, Points2D } from './scatter.js';
export { RasterCanvas } from './canvas.js';
export { PALETTE, categoryColor } from './colors.js';
export type { Rgb } from './colors.js';
export type { PlotBox } from './frame.js';
export type { Scale } from './scale.js';
