import * as echarts from 'echarts';
import type { ReportChart } from './report-document';
import { formatCount, formatRate } from './report-values';

/*
 * Charts are drawn by Apache ECharts on the server: its SSR mode renders an SVG string without a browser or canvas;
 * the PDF renderer then draws that SVG as vectors with the report's CJK font (svg-to-pdfkit), so axis labels are
 * real text in the PDF, not an image.
 */

export const CHART_PALETTE = ['#2f5597', '#ed7d31', '#70ad47', '#ffc000', '#5b9bd5', '#a5a5a5', '#264478', '#9e480e'];

export interface ChartSvgOptions {
  width: number;
  height: number;
  /** Font family written into the SVG; the PDF maps it to the embedded font. */
  fontFamily: string;
}

/** Values as drawn: fen become 元, rates stay fractions (labelled as percentages). */
function drawnValue(chart: ReportChart, value: number | null): number | null {
  if (value === null) return null;
  return chart.valueKind === 'fen' ? value / 100 : value;
}

function valueLabel(chart: ReportChart, value: number): string {
  switch (chart.valueKind) {
    case 'rate':
      return formatRate(value);
    case 'fen':
      // 元 with 2 decimals would crowd the bars; the axis says 元 and the table beside it has the cents.
      return formatCount(Math.round(value));
    default:
      return formatCount(value);
  }
}

function axisLabel(chart: ReportChart, value: number): string {
  if (chart.valueKind === 'rate') return `${Math.round(value * 100)}%`;
  if (chart.valueKind === 'fen' && Math.abs(value) >= 10000) return `${formatCount(Math.round(value / 10000))}万`;
  return formatCount(value);
}

/** The ECharts option for a chart of the model (exported for tests and for a web view that wants the same chart). */
export function chartOption(chart: ReportChart, fontFamily: string, width = 640): echarts.EChartsOption {
  const textStyle = { fontFamily, color: '#333' };
  const title = {
    text: chart.title,
    left: 'center',
    top: 4,
    textStyle: { fontFamily, fontSize: 14, fontWeight: 'bold' as const },
  };
  if (chart.type === 'pie') {
    const [series] = chart.series;
    return {
      animation: false,
      color: CHART_PALETTE,
      textStyle,
      title,
      legend: { bottom: 0, textStyle: { fontFamily, fontSize: 11 } },
      series: [
        {
          type: 'pie',
          name: series.name,
          radius: ['0%', '58%'],
          center: ['50%', '52%'],
          // A slice without a value is left out (a pie has no gaps).
          data: chart.categories.flatMap((name, i) => {
            const value = drawnValue(chart, series.values[i]);
            return value === null ? [] : [{ name, value }];
          }),
          label: {
            fontFamily,
            fontSize: 11,
            textBorderColor: 'transparent',
            formatter: (p: { name: string; value?: unknown; percent?: number }) =>
              `${p.name} ${valueLabel(chart, Number(p.value))}（${(p.percent ?? 0).toFixed(1)}%）`,
          },
        },
      ],
    };
  }
  const labelled = chart.categories.length * chart.series.length <= 24;
  // Long category labels wrap onto more lines under their bar (turned labels come out misplaced in the PDF).
  const labelWidth = Math.max(40, Math.floor((width - 80) / chart.categories.length) - 8);
  return {
    animation: false,
    color: CHART_PALETTE,
    textStyle,
    title,
    legend: chart.series.length > 1 ? { bottom: 0, textStyle: { fontFamily, fontSize: 11 } } : undefined,
    grid: { left: 16, right: 24, top: 44, bottom: chart.series.length > 1 ? 36 : 12, containLabel: true },
    xAxis: {
      type: 'category',
      data: chart.categories,
      axisLabel: { interval: 0, width: labelWidth, overflow: 'break', fontFamily, fontSize: 11 },
      axisTick: { alignWithLabel: true },
    },
    yAxis: {
      type: 'value',
      name: chart.valueKind === 'fen' ? '元' : undefined,
      nameTextStyle: { fontFamily, fontSize: 11 },
      max: chart.valueKind === 'rate' ? (extent: { max: number }) => Math.max(1, extent.max) : undefined,
      axisLabel: { fontFamily, fontSize: 11, formatter: (value: number) => axisLabel(chart, value) },
      splitLine: { lineStyle: { color: '#e0e0e0' } },
    },
    series: chart.series.map((series) => ({
      type: chart.type,
      name: series.name,
      data: series.values.map((value) => drawnValue(chart, value)),
      barMaxWidth: 36,
      connectNulls: false,
      label: {
        show: labelled,
        position: 'top',
        fontFamily,
        fontSize: 10,
        // ECharts outlines labels in white under paint-order, which svg-to-pdfkit ignores: the text would vanish.
        textBorderColor: 'transparent',
        formatter: (p: { value?: unknown }) => valueLabel(chart, Number(p.value)),
      },
    })) as echarts.SeriesOption[],
  };
}

/** The chart as an SVG document (ECharts server-side rendering; no DOM, no canvas). */
export function renderChartSvg(chart: ReportChart, options: ChartSvgOptions): string {
  const instance = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: options.width,
    height: options.height,
  });
  try {
    instance.setOption(chartOption(chart, options.fontFamily, options.width));
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}
