import { renderChartSvg } from './report-chart';
import type { ReportChart } from './report-document';

const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('renderChartSvg (ECharts server-side rendering)', () => {
  const options = { width: 640, height: 300, fontFamily: 'ReportCJK' };

  it('draws a bar chart with Chinese category labels, percent axis and value labels in the given font', () => {
    const chart: ReportChart = {
      type: 'bar',
      title: '分行业投保率',
      categories: ['危险化学品', '烟花爆竹', '非煤矿山', '金属冶炼', '建筑施工', '道路运输', '未按规定提供预防服务'],
      series: [{ name: '投保率', values: [0.9247, 0.5, 0.8, 0.8, 0.8, 0.8, null] }],
      valueKind: 'rate',
    };
    const svg = renderChartSvg(chart, options);
    expect(svg.startsWith('<svg')).toBe(true);
    const labels = texts(svg);
    expect(labels).toEqual(
      expect.arrayContaining(['分行业投保率', '危险化学品', '烟花爆竹', '100%', '0%', '92.47%', '50.00%']),
    );
    // Seven labels share the width: a long one wraps under its bar rather than being turned (misplaced in the PDF).
    expect(labels.join('')).toContain('未按规定提供预防服务');
    expect(labels).not.toContain('未按规定提供预防服务');
    expect(svg).toContain('font-family:ReportCJK');
    // White outlines drawn under paint-order would hide the labels in the PDF (svg-to-pdfkit ignores paint-order).
    expect(svg).not.toContain('paint-order');
  });

  it('draws amounts as 元 and leaves a pie slice without a value out', () => {
    const chart: ReportChart = {
      type: 'pie',
      title: '保费构成（元）',
      categories: ['人保', '太平洋', '大地'],
      series: [{ name: '保费', values: [318_742_650, 146_381_500, null] }],
      valueKind: 'fen',
    };
    const labels = texts(renderChartSvg(chart, options));
    expect(labels).toEqual(expect.arrayContaining(['人保 3,187,427（68.5%）', '太平洋 1,463,815（31.5%）']));
    expect(labels.some((t) => t.startsWith('大地 '))).toBe(false);
  });
});
