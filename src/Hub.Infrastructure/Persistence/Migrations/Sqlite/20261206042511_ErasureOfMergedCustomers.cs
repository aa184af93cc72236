using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ErasureOfMergedCustomers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "SurvivorRequestId",
                table: "erasure_requests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_erasure_requests_SurvivorRequestId",
                table: "erasure_requests",
                column: "SurvivorRequestId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_erasure_requests_SurvivorRequestId",
                table: "erasure_requests");

            migrationBuilder.DropColumn(
                name: "SurvivorRequestId",
                table: "erasure_requests");
        }
    }
}
